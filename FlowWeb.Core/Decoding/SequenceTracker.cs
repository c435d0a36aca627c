namespace FlowWeb.Core.Decoding;

/// <summary>
/// Loss accounting from export sequence numbers for one (exporter, version, domain) (protocols.md §4.4).
/// Gaps are computed modulo 2^32; a packet older than expected is reordering or a duplicate and gives back
/// what its gap had counted as lost; a jump larger than the restart threshold either way is an exporter
/// restart (counted, not loss).
/// </summary>
internal sealed class SequenceTracker
{
    private readonly uint _restartThreshold;
    private bool _synchronised;
    private uint _expected;

    public SequenceTracker(uint restartThreshold) => _restartThreshold = restartThreshold;

    public long Lost { get; private set; }

    public long Reordered { get; private set; }

    public long Resets { get; private set; }

    /// <summary>
    /// Observes a packet whose first sequence number is <paramref name="sequence"/> and which advances the
    /// counter by <paramref name="advance"/> (flows for v5, 1 for v9, data records for IPFIX), or by an
    /// unknown amount (null: data waiting for its template), after which the next packet re-synchronises.
    /// Returns the units newly counted as lost (negative when a late packet gives some back).
    /// </summary>
    public long Observe(uint sequence, uint? advance)
    {
        if (!_synchronised)
        {
            Synchronise(sequence, advance);
            return 0;
        }

        var gap = (int)(sequence - _expected);
        if (gap == 0)
        {
            Synchronise(sequence, advance);
            return 0;
        }

        var magnitude = gap > 0 ? (uint)gap : (uint)-(long)gap;
        if (magnitude > _restartThreshold)
        {
            Resets++;
            Synchronise(sequence, advance);
            return 0;
        }

        if (gap > 0)
        {
            Lost += gap;
            Synchronise(sequence, advance);
            return gap;
        }

        // Late or duplicate: the expected position stays; what this packet carries was counted lost before.
        Reordered++;
        var giveBack = Math.Min(advance ?? 0, Lost);
        Lost -= giveBack;
        return -giveBack;
    }

    private void Synchronise(uint sequence, uint? advance)
    {
        _synchronised = advance.HasValue;
        _expected = sequence + (advance ?? 0);
    }
}
