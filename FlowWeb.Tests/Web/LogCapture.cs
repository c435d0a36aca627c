using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace FlowWeb.Tests.Web;

/// <summary>A Serilog sink a test app writes to besides the console (the app reads sinks from its container), to check what an operator would read.</summary>
public sealed class LogCapture : ILogEventSink
{
    // As the console shows messages: strings without quotes.
    private static readonly MessageTemplateTextFormatter Format = new("{Message:lj}", CultureInfo.InvariantCulture);

    private readonly List<(LogEventLevel Level, string Message)> _events = [];
    private readonly List<string> _exceptions = [];

    public IReadOnlyList<(LogEventLevel Level, string Message)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The exceptions logged with events, as text.</summary>
    public IReadOnlyList<string> Exceptions
    {
        get
        {
            lock (_events)
            {
                return [.. _exceptions];
            }
        }
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Format.Format(logEvent, text);
        lock (_events)
        {
            _events.Add((logEvent.Level, text.ToString()));
            if (logEvent.Exception is not null)
            {
                _exceptions.Add(logEvent.Exception.ToString());
            }
        }
    }
}
