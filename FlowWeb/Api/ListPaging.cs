using System.Globalization;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>
/// Paging of list endpoints: <c>offset</c> (default 0) and <c>limit</c> (default and maximum <see cref="MaxLimit"/>),
/// so that no answer grows with what exists. The answer stays a JSON array; the number of items that matched is in
/// <c>X-Total-Count</c>, and a <c>Link: &lt;...&gt;; rel="next"</c> header points at the next page when there is one.
/// </summary>
internal static class ListPaging
{
    public const int MaxLimit = 1000;

    public static IReadOnlyList<ValidationError> Check(int? offset, int? limit)
    {
        var errors = new List<ValidationError>();
        if (offset is < 0)
        {
            errors.Add(new ValidationError("offset", "must be 0 or more"));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new ValidationError("limit", $"must be 1 to {MaxLimit}"));
        }

        return errors;
    }

    /// <summary>Writes the number of matching items and, when more follow, the next page's link.</summary>
    public static void Describe(HttpContext context, int offset, int returned, int matching)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers["X-Total-Count"] = matching.ToString(CultureInfo.InvariantCulture);
        var next = offset + returned;
        if (returned > 0 && next < matching)
        {
            var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            query["offset"] = next.ToString(CultureInfo.InvariantCulture);
            var link = context.Request.PathBase + context.Request.Path + "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
            context.Response.Headers.Link = $"<{link}>; rel=\"next\"";
        }
    }

    public static T[] Page<T>(IReadOnlyList<T> items, int offset, int limit) => [.. items.Skip(offset).Take(limit)];
}
