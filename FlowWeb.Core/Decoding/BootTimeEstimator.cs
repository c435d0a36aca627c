namespace FlowWeb.Core.Decoding;

/// <summary>
/// Estimates an exporter's boot time for IPFIX records that carry only flowStart/EndSysUpTime (21/22) and
/// no systemInitTimeMilliseconds (160) — RouterOS 6.x does this (protocols.md §2.3 item 2).
/// <para>
/// For every message, <c>export time − the largest end uptime in it</c> is a boot time that can only be too
/// late (a flow ends at or before the export), never too early, so the smallest value seen is the best
/// estimate; the error is the exporter's export delay for its freshest flow (about the inactive timeout at
/// worst, typically under a second) plus the export time's one-second resolution. When the candidate is
/// later than the estimate by more than <see cref="RebootThresholdMs"/> in three messages in a row, the
/// exporter rebooted (its uptime went back) and the estimate restarts from the new value.
/// </para>
/// </summary>
internal sealed class BootTimeEstimator
{
    public const long RebootThresholdMs = 5 * 60 * 1000;
    private const int RebootConfirmations = 3;

    private long _estimateMs = long.MaxValue;
    private int _laterInARow;

    public bool HasEstimate => _estimateMs != long.MaxValue;

    public long EstimateMs => _estimateMs;

    public long Reboots { get; private set; }

    public void Observe(long exportMs, uint maxEndUptimeMs)
    {
        var candidate = exportMs - maxEndUptimeMs;
        if (!HasEstimate || candidate <= _estimateMs)
        {
            _estimateMs = Math.Min(_estimateMs, candidate);
            _laterInARow = 0;
            return;
        }

        if (candidate - _estimateMs > RebootThresholdMs)
        {
            if (++_laterInARow >= RebootConfirmations)
            {
                _estimateMs = candidate;
                _laterInARow = 0;
                Reboots++;
            }
        }
        else
        {
            _laterInARow = 0;
        }
    }
}
