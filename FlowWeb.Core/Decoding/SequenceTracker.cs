namespace FlowWeb.Core.Decoding;

/// <summary>
/// Loss accounting from export sequence numbers for one (exporter, version, domain) (protocols.md §4.4).
/// Gaps are computed modulo 2^32; a packet older than expected is reordering or a duplicate and gives back
/// what its gap had counted as lost; a jump larger than the restart threshold either way is an exporter
/// restart (counted, not loss). The export clock settles what the number alone cannot: a packet stamped
/// earlier than the last in-sequence one was sent before it, so a jump ahead in it is a late packet from before
/// a counter reset, not loss (Ubiquiti EdgeRouter sample: 31826 stamped 38 s before 31663, received after it);
/// a number that goes back while the clock goes forward is a counter reset, not reordering.
/// </summary>
internal sealed class SequenceTracker
{
    private readonly uint _restartThreshold;
    private bool _synchronised;
    private uint _expected;
    private long _clockMs;

    public SequenceTracker(uint restartThreshold) => _restartThreshold = restartThreshold;

    public long Lost { get; private set; }

    public long Reordered { get; private set; }

    public long Resets { get; private set; }

    /// <summary>
    /// Observes a packet whose first sequence number is <paramref name="sequence"/> and which advances the
    /// counter by <paramref name="advance"/> (flows for v5, 1 for v9, data records for IPFIX), or by an
    /// unknown amount (null: data waiting for its template), after which the next packet re-synchronises.
    /// <paramref name="exportMs"/> is the packet's export time from its header.
    /// Returns the units newly counted as lost (negative when a late packet gives some back).
    /// </summary>
    public long Observe(uint sequence, uint? advance, long exportMs)
    {
        if (!_synchronised)
        {
            Synchronise(sequence, advance, exportMs);
            return 0;
        }

        var gap = (int)(sequence - _expected);
        if (gap == 0)
        {
            Synchronise(sequence, advance, exportMs);
            return 0;
        }

        var magnitude = gap > 0 ? (uint)gap : (uint)-(long)gap;
        if (magnitude > _restartThreshold || (gap < 0 && exportMs > _clockMs))
        {
            Resets++;
            Synchronise(sequence, advance, exportMs);
            return 0;
        }

        if (gap > 0 && exportMs < _clockMs)
        {
            // Ahead in number but sent earlier: a straggler from before a counter reset. The expected position stays.
            Reordered++;
            return 0;
        }

        if (gap > 0)
        {
            Lost += gap;
            Synchronise(sequence, advance, exportMs);
            return gap;
        }

        // Late or duplicate: the expected position stays; what this packet carries was counted lost before.
        Reordered++;
        var giveBack = Math.Min(advance ?? 0, Lost);
        Lost -= giveBack;
        return -giveBack;
    }

    private void Synchronise(uint sequence, uint? advance, long exportMs)
    {
        _synchronised = advance.HasValue;
        _expected = sequence + (advance ?? 0);
        _clockMs = exportMs;
    }
}
