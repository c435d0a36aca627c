using System.Diagnostics;
using System.Globalization;

namespace FlowWeb.Core.Notifications;

/// <summary>
/// Runs a program per message: the webhook's JSON body on standard input, the main fields in environment variables
/// (<c>FLOWWEB_TYPE</c>, <c>FLOWWEB_TITLE</c>, <c>FLOWWEB_SEVERITY</c>, <c>FLOWWEB_SUBJECT</c>, <c>FLOWWEB_MESSAGE</c>,
/// <c>FLOWWEB_KEY</c>, <c>FLOWWEB_KIND</c>, <c>FLOWWEB_SENSOR_ID</c>, <c>FLOWWEB_DELIVERY</c>). Exit code 0 is
/// success; any other, or running past the timeout (the program and its children are killed), is a failure whose
/// message ends with the program's last error output.
/// </summary>
public sealed class ScriptSender : INotificationSender
{
    private const int MaxErrorOutput = 500;

    public NotificationChannelType Type => NotificationChannelType.Script;

    public async Task SendAsync(NotificationChannelDefinition channel, NotificationMessage message, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        var settings = channel.Script;
        var info = new ProcessStartInfo(settings.Path.Trim())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in settings.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["FLOWWEB_TYPE"] = message.Type.ToString().ToLowerInvariant();
        info.Environment["FLOWWEB_TITLE"] = message.Title;
        info.Environment["FLOWWEB_SEVERITY"] = message.Severity.ToString().ToLowerInvariant();
        info.Environment["FLOWWEB_SUBJECT"] = message.Event?.Subject ?? "";
        info.Environment["FLOWWEB_MESSAGE"] = message.Event?.Message ?? message.Text;
        info.Environment["FLOWWEB_KEY"] = message.Event?.Key ?? "";
        info.Environment["FLOWWEB_KIND"] = message.Event?.Kind.ToString() ?? "";
        info.Environment["FLOWWEB_SENSOR_ID"] = message.Event?.SensorId?.ToString() ?? "";
        info.Environment["FLOWWEB_DELIVERY"] = deliveryId.ToString();

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NotificationDeliveryException($"cannot start {settings.Path}: {e.Message}", e);
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            try
            {
                await process.StandardInput.WriteAsync(message.ToJson().AsMemory(), timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program does not read its input: allowed.
            }

            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new NotificationDeliveryException($"{settings.Path} did not finish within {settings.TimeoutSeconds} s and was stopped");
        }

        await output.ConfigureAwait(false);
        var stderr = (await errors.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0)
        {
            var tail = stderr.Length <= MaxErrorOutput ? stderr : stderr[^MaxErrorOutput..];
            throw new NotificationDeliveryException(string.Create(CultureInfo.InvariantCulture,
                $"{settings.Path} exited with code {process.ExitCode}{(tail.Length > 0 ? ": " + tail : "")}"));
        }
    }
}
