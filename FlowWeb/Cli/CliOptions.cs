using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using FlowWeb.Core.Dns;

namespace FlowWeb.Cli;

/// <summary>
/// Option kinds the verbs share, so that every verb checks its values the same way and says so the same way:
/// "--name: expected ..., got "value"". Values out of range are refused, never clamped silently. The check is a
/// validator (run while parsing, for every option given), the conversion a parser that only sees checked text:
/// System.CommandLine converts lazily, so an error raised by a parser alone would surface only when read.
/// </summary>
internal static class CliOptions
{
    public delegate bool TryParse<T>(string text, out T value);

    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, int max) => Checked(
        name, string.Create(CultureInfo.InvariantCulture, $"{description} ({min:N0}-{max:N0})"), "N", () => defaultValue,
        (string t, out int v) => TryWhole(t, min, max, out v),
        string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"));

    /// <summary>A required whole number: no default, the parser reports it missing.</summary>
    public static Option<int> RequiredWholeNumber(string name, string description, int min, int max) => Checked(
        name, string.Create(CultureInfo.InvariantCulture, $"{description} ({min:N0}-{max:N0})"), "N", null,
        (string t, out int v) => TryWhole(t, min, max, out v),
        string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"));

    /// <summary>One of a few whole numbers.</summary>
    public static Option<int> Choice(string name, string description, int defaultValue, int[] allowed) => Checked(
        name, $"{description} ({string.Join(", ", allowed)})", "N", () => defaultValue,
        (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v) && allowed.Contains(v),
        $"one of {string.Join(", ", allowed)}");

    /// <summary>Comma-separated whole numbers, each in range and, when given, one of <paramref name="allowed"/>.</summary>
    public static Option<int[]> WholeNumbers(string name, string description, int[] defaultValue, int min, int max, int[]? allowed = null) => Checked(
        name, description, "N,N,...", () => defaultValue,
        (string t, out int[] v) =>
        {
            var parts = t.Split(',', StringSplitOptions.TrimEntries);
            v = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                if (!TryWhole(parts[i], min, max, out v[i]) || (allowed is not null && !allowed.Contains(v[i])))
                {
                    return false;
                }
            }

            return true;
        },
        allowed is null
            ? string.Create(CultureInfo.InvariantCulture, $"comma-separated whole numbers from {min:N0} to {max:N0}")
            : "comma-separated values among " + string.Join(',', allowed));

    /// <summary>Seconds as a decimal number, more than zero and at most <paramref name="max"/>.</summary>
    public static Option<double> Seconds(string name, string description, double defaultValue, double max) => Checked(
        name, string.Create(CultureInfo.InvariantCulture, $"{description} (more than 0, at most {max})"), "S", () => defaultValue,
        (string t, out double v) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && v > 0 && v <= max,
        string.Create(CultureInfo.InvariantCulture, $"seconds more than 0 and at most {max}"));

    /// <summary>A DNS server as ip, ip:port or [ipv6]:port (port 53 when not given).</summary>
    public static Option<IPEndPoint?> DnsServer(string name, string description, bool required)
    {
        var option = Checked<IPEndPoint?>(
            name, description, "IP:PORT", required ? null : () => null,
            (string t, out IPEndPoint? v) =>
            {
                var ok = ReverseDnsOptions.TryParseServer(t, out var endpoint);
                v = ok ? endpoint : null;
                return ok;
            },
            "an IP address with an optional port (ip, ip:port or [ipv6]:port)");
        return option;
    }

    /// <summary>
    /// An option whose text <paramref name="parse"/> checks: a refused value is reported as
    /// "NAME: expected EXPECTED, got "TEXT"". No <paramref name="defaultValue"/> makes the option required.
    /// </summary>
    public static Option<T> Checked<T>(string name, string description, string helpName, Func<T>? defaultValue, TryParse<T> parse, string expected)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            Required = defaultValue is null,
            CustomParser = r => Text(r.Tokens) is { } t && parse(t, out var v) ? v : defaultValue is null ? default! : defaultValue(),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue();
        }

        option.Validators.Add(r =>
        {
            if (Text(r.Tokens) is { } t && !parse(t, out _))
            {
                r.AddError($"{name}: expected {expected}, got \"{t}\"");
            }
        });
        return option;
    }

    // The last token: an option given twice keeps its last value, as most tools do.
    public static string? Text(IReadOnlyList<Token> tokens) => tokens.Count > 0 ? tokens[^1].Value : null;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, as <see cref="WholeNumber"/> reads it.</summary>
    public static bool TryWhole(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
