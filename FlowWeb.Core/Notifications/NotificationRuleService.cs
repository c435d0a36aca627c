using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Notifications;

/// <summary>Runs the rule engine: at once when events arrive, and every second for delays, repeats and summaries.</summary>
public sealed partial class NotificationRuleService(NotificationRuleEngine engine, TimeProvider time, ILogger<NotificationRuleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.ProcessAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            using var tick = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, stoppingToken);
            try
            {
                await engine.Incoming.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The second is up: look at what is due.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Notification rules failed on this pass; trying again in a second")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
