namespace FlowWeb.Core.Sensors;

/// <summary>
/// Names shown to other users (sensors, devices, channels, toplists, tags) must read as what they are: a bidirectional
/// override (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) displays "gpj.exe" as "exe.jpg", and control
/// characters break lines in logs, CSV and /metrics. They are refused with a message, not silently stripped, so what
/// is stored is what was typed.
/// </summary>
public static class DisplayText
{
    /// <summary>Null when the text is fine, otherwise what is wrong; <paramref name="multiLine"/> allows CR, LF and tab.</summary>
    public static string? Problem(string? text, bool multiLine = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsBidiControl(c))
            {
                return $"must not contain the bidirectional control character U+{(int)c:X4} (position {i + 1})";
            }

            if (char.IsControl(c) && !(multiLine && c is '\r' or '\n' or '\t'))
            {
                return $"must not contain the control character U+{(int)c:X4} (position {i + 1})";
            }
        }

        return null;
    }

    public static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C';
}
