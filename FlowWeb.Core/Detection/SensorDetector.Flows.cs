namespace FlowWeb.Core.Detection;

public sealed partial class SensorDetector
{
    private long _flowsWithoutIdentity;

    /// <summary>Flow-sized records counted without their flow's identity because a second had too many (<see cref="SecondTable.MaxFlowEntries"/>).</summary>
    public long FlowsWithoutIdentity => _flowsWithoutIdentity;

    /// <summary>Held rates ended early because the same flow's next record arrived (each would otherwise have counted the flow twice).</summary>
    public long HoldsReplaced => _wheel.Replaced;

    /// <summary>
    /// The second's flow-sized records, before its keys are judged: each ends what is left of its flow's previous
    /// record's hold, then a long one's rate is held on each of its keys until it ends or the flow's next record
    /// replaces it. On a key that does not track state (the rate is under 1 % of its thresholds), the rate joins the
    /// key's anonymous long records of the second instead.
    /// </summary>
    private void HoldFlows(long second, SecondTable table, DetectionConfig config)
    {
        for (var n = 0; n < table.FlowCount; n++)
        {
            ref var entry = ref table.FlowAt(n);
            _wheel.Cancel(entry.Flow);
            if (entry.HoldSeconds < 2)
            {
                continue;
            }

            var hold = _wheel.Begin(second + entry.HoldSeconds, entry.Flow, entry.Rate);
            if (entry.Incoming)
            {
                HoldOn(table, new DetectionKey(entry.Flow.Dst, KeyKind.IncomingHost), ref entry, hold, config);
                var prefix = config.CarpetNetworkOf(entry.Flow.Dst);
                HoldOn(table, new DetectionKey(prefix, KeyKind.IncomingPrefix), ref entry, hold, config);
            }

            if (entry.Outgoing)
            {
                HoldOn(table, new DetectionKey(entry.Flow.Src, KeyKind.OutgoingHost), ref entry, hold, config);
            }

            if (hold is { Keys: 0 })
            {
                _wheel.Abandon(hold);
            }
        }
    }

    private void HoldOn(SecondTable table, DetectionKey key, ref FlowEntry entry, FlowHold? hold, DetectionConfig config)
    {
        var state = _tracked.GetValueOrDefault(key);
        if (hold is not null && state is null)
        {
            var (thresholds, group) = ThresholdsOf(null, key, config);
            if (Significant(entry.Rate, thresholds))
            {
                state = Track(key, thresholds, group);
            }
        }

        if (hold is not null && state is not null)
        {
            // Not marked seen: if the key's own counts this second are negligible, the loop over states judges it.
            hold.Attach(state);
            return;
        }

        ref var slot = ref table.Get(key.Address, key.Kind, config.MaxKeysPerSecond);
        if (hold is null)
        {
            // The wheel is full (counted): this second only, like any long record refused.
            slot.Instant.Add(entry.Rate);
            return;
        }

        slot.Held.Add(entry.Rate);
        slot.HeldWeightSeconds += entry.Rate[Counter.Packets] * entry.HoldSeconds;
    }

    /// <summary>The key's thresholds and host group: the state's while its settings are current, else resolved (and kept on the state).</summary>
    private (double[] Thresholds, string? Group) ThresholdsOf(KeyState? state, in DetectionKey key, DetectionConfig config)
    {
        if (state is not null && state.ConfigVersion == _configVersion)
        {
            return (state.Thresholds, state.Group);
        }

        var resolved = config.ThresholdsFor(key);
        if (state is not null)
        {
            (state.Thresholds, state.Group, state.ConfigVersion) = (resolved.Thresholds, resolved.Group, _configVersion);
        }

        return resolved;
    }
}
