using FlowWeb.Core.Channels;

namespace FlowWeb.Components.Shared;

/// <summary>One line (or stacked area) of a <see cref="TrafficChart"/>: values in bit/s, one per point, oldest first.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<double> Values);

/// <summary>The colour of a channel, the same in the graph, its legend and the channel table.</summary>
public static class ChannelColors
{
    private static readonly string[] Palette =
    [
        "#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00acc1", "#c0ca33", "#6d4c41",
        "#3949ab", "#d81b60", "#00897b", "#f4511e", "#5e35b1", "#7cb342", "#039be5", "#ffb300",
    ];

    /// <summary>Dark grey on the light theme, light grey on the dark one (app.css sets the variable per theme).</summary>
    public const string Total = "var(--flowweb-total, #37474f)";

    public const string Other = "#9e9e9e";

    /// <summary>By the channel's position in its sensor's channel list (Total first, Other last).</summary>
    public static string Of(int channelId, int index) => channelId switch
    {
        ChannelIds.Total => Total,
        ChannelIds.Other => Other,
        _ => Palette[(index - 1 + Palette.Length) % Palette.Length],
    };
}

/// <summary>A span shaded on a <see cref="TrafficChart"/> (an attack), from its start to its end (null: still going on), linking to its page.</summary>
public sealed record ChartMark(DateTimeOffset From, DateTimeOffset? To, string Label, string Href)
{
    /// <summary>Each mark as a share of a plot <paramref name="spanSeconds"/> wide from <paramref name="start"/>; an ongoing one reaches the end, one outside is left out.</summary>
    public static IEnumerable<(ChartMark Mark, double Left, double Width)> Layout(IEnumerable<ChartMark> marks, DateTimeOffset start, double spanSeconds)
    {
        ArgumentNullException.ThrowIfNull(marks);
        foreach (var mark in marks)
        {
            var left = Math.Clamp((mark.From - start).TotalSeconds / spanSeconds, 0, 1);
            var right = mark.To is { } to ? Math.Clamp((to - start).TotalSeconds / spanSeconds, 0, 1) : 1;
            if (right > left || (mark.To is null && left < 1))
            {
                // At least a sliver, so a one-second attack on a day's graph still shows.
                yield return (mark, left, Math.Max(right - left, 0.004));
            }
        }
    }
}
