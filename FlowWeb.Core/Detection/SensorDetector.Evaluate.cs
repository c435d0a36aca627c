namespace FlowWeb.Core.Detection;

public sealed partial class SensorDetector
{
    private KeySlot _empty;
    private readonly List<int> _prefixSlots = [];

    /// <summary>
    /// One second: end the holds due, hold the flow-sized records' rates (<see cref="HoldFlows"/>), then every key
    /// with data or state, hosts before prefixes (a prefix is carpet bombing only when none of its hosts is over a
    /// threshold itself), then drop the states that went idle.
    /// </summary>
    private void Evaluate(long second, SecondTable? table, DetectionConfig config, List<AttackChange> changes)
    {
        _wheel.Expire(second);
        if (table is { FlowCount: > 0 })
        {
            HoldFlows(second, table, config);
        }

        _busyPrefixes.Clear();
        _prefixSlots.Clear();
        foreach (var prefixes in (ReadOnlySpan<bool>)[false, true])
        {
            if (table is not null)
            {
                // Hosts first, noting where the prefixes are: a second's table can be megabytes (a flow-sized record to a
                // new destination each, on a high-cardinality load), and a second walk over all of it missed the cache again.
                var floors = config.FlowFloors;
                var count = prefixes ? _prefixSlots.Count : table.Count;
                for (var n = 0; n < count; n++)
                {
                    var index = prefixes ? _prefixSlots[n] : table.UsedIndex(n);
                    ref var slot = ref table.SlotAt(index);
                    if (!prefixes && slot.Kind == KeyKind.IncomingPrefix)
                    {
                        _prefixSlots.Add(index);
                        continue;
                    }

                    // Under 1 % of every threshold this second: nothing to judge, nothing worth holding for a key without
                    // state, which the loop over states below leaves alone too. On a high-cardinality load (a new
                    // destination per record) most keys are such, and skipping them saves the tick a distinct-count
                    // estimate and nine divisions per key. A key with state (a candidate, an attack) still gets its
                    // second's long-record rates held: many small long records add up to an attack over their holds.
                    if (!Negligible(slot, floors) || (slot.HeldWeight > 0 && _tracked.ContainsKey(new DetectionKey(slot.Address, slot.Kind))))
                    {
                        EvaluateKey(second, new DetectionKey(slot.Address, slot.Kind), ref slot, true, config, changes);
                    }
                }
            }

            for (var i = 0; i < _states.Count; i++)
            {
                var state = _states[i];
                if ((state.Key.Kind == KeyKind.IncomingPrefix) == prefixes && state.LastSeenSecond != second && !state.IsIdle)
                {
                    _empty = default;
                    EvaluateKey(second, state.Key, ref _empty, false, config, changes);
                }
            }
        }

        for (var i = _states.Count - 1; i >= 0; i--)
        {
            if (_states[i].IsIdle && _states[i].LastSeenSecond < second - 2)
            {
                Untrack(_states[i]);
            }
        }
    }

    private void EvaluateKey(long second, DetectionKey key, ref KeySlot slot, bool hasData, DetectionConfig config, List<AttackChange> changes)
    {
        var state = _tracked.GetValueOrDefault(key);
        var (thresholds, group) = ThresholdsOf(state, key, config);

        if (hasData && slot.HeldWeight > 0)
        {
            var hold = (int)Math.Clamp(Math.Floor((slot.HeldWeightSeconds / slot.HeldWeight) + 1e-9), 2, config.MaxHoldSeconds);
            if (state is null && Significant(slot.Held, thresholds))
            {
                state = Track(key, thresholds, group);
            }

            // Held for the record's whole seconds from its arrival, no longer: a continuing flow's next record arrives
            // about one active timeout later, and any overlap counts that flow twice. With a second of grace and
            // exports jittering by a second, a steady 0.9 Gbit/s backup at a 1-minute timeout read 155,000 packets/s
            // for 3 s at every export (bench detection false-positives). A second's gap instead only under-counts
            // a long flow briefly, which neither starts an attack nor ends one (M seconds under are needed).
            if (state is not null && _wheel.Schedule(second + hold, state, slot.Held))
            {
                state.Held.Add(slot.Held);
                state.LastSeenSecond = second;
            }
            else
            {
                slot.Instant.Add(slot.Held);
            }
        }

        var rates = slot.Instant;
        if (state is not null)
        {
            rates.Add(state.Held);
            state.LastSeenSecond = second;
        }

        var values = _values;
        values[(int)DetectionMetric.Packets] = rates[Counter.Packets];
        values[(int)DetectionMetric.Bits] = rates[Counter.Bytes] * 8;
        values[(int)DetectionMetric.Flows] = rates[Counter.Flows];
        values[(int)DetectionMetric.SynPackets] = rates[Counter.SynPackets];
        values[(int)DetectionMetric.UdpPackets] = rates[Counter.UdpPackets];
        values[(int)DetectionMetric.UdpBits] = rates[Counter.UdpBytes] * 8;
        values[(int)DetectionMetric.IcmpPackets] = rates[Counter.IcmpPackets];
        values[(int)DetectionMetric.FragmentPackets] = rates[Counter.FragmentPackets];
        values[(int)DetectionMetric.DistinctSources] = hasData ? slot.Peers.Estimate() : 0;
        NotePeaks(second, key, values, thresholds);

        var over = false;
        for (var m = 0; m < values.Length && !over; m++)
        {
            over = thresholds[m] > 0 && values[m] >= thresholds[m];
        }

        if (key.Kind == KeyKind.IncomingPrefix)
        {
            // Spread over many hosts, none of them attacked on its own: otherwise it is that host's attack.
            over &= slot.Hosts.Count >= config.CarpetMinHosts && !_busyPrefixes.Contains(key.Address);
        }

        if (state?.Attack is { } attack)
        {
            ContinueAttack(second, state, attack, thresholds, over, config, changes);
        }
        else if (over)
        {
            state ??= Track(key, thresholds, group);
            if (state is null)
            {
                return;
            }

            state.LastSeenSecond = second;

            if (state.OverCount == 0 || state.LastOverSecond != second - 1)
            {
                state.OverCount = 0;
                state.FirstOverSecond = second;
                WatchKey(state);
            }

            state.OverCount++;
            state.LastOverSecond = second;
            if (state.OverCount >= config.StartAfterSeconds)
            {
                StartAttack(second, state, rates, slot.AmpPort, thresholds, changes);
            }
        }
        else if (state is { OverCount: > 0 })
        {
            state.OverCount = 0;
            UnwatchKey(state, keepEvidence: false);
        }

        if (key.Kind == KeyKind.IncomingHost && (over || state?.Attack is not null))
        {
            _busyPrefixes.Add(config.CarpetNetworkOf(key.Address));
        }
    }

    private void ContinueAttack(long second, KeyState state, Attack attack, double[] thresholds, bool over, DetectionConfig config, List<AttackChange> changes)
    {
        var values = _values;
        var still = over;
        foreach (var trigger in attack.Triggers)
        {
            var m = (int)trigger.Metric;
            still |= values[m] >= thresholds[m] * config.EndFraction;
        }

        attack.Observe(second, values[(int)DetectionMetric.Packets], values[(int)DetectionMetric.Bits], values[(int)DetectionMetric.Flows]);
        if (still)
        {
            state.UnderCount = 0;
            attack.LastOnSecond = second;
            return;
        }

        if (++state.UnderCount < config.EndAfterSeconds)
        {
            return;
        }

        attack.End = DateTimeOffset.FromUnixTimeSeconds(attack.LastOnSecond + 1);
        state.Attack = null;
        state.OverCount = 0;
        state.UnderCount = 0;
        UnwatchKey(state, keepEvidence: false);
        changes.Add(new AttackChange(attack.Report(), Started: false, Ended: true));
    }

    private void StartAttack(long second, KeyState state, in TrafficCounters rates, ushort ampPort, double[] thresholds, List<AttackChange> changes)
    {
        var values = _values;
        var triggers = new List<AttackTrigger>();
        for (var m = 0; m < values.Length; m++)
        {
            if (thresholds[m] > 0 && values[m] >= thresholds[m])
            {
                triggers.Add(new AttackTrigger((DetectionMetric)m, ThresholdSet.LabelOf((DetectionMetric)m), values[m], thresholds[m]));
            }
        }

        var (vector, reflector) = AttackClassifier.Classify(rates, triggers, ampPort);
        var key = state.Key;
        var attack = new Attack
        {
            Id = _nextAttackId(),
            Key = key,
            Victim = key.Kind == KeyKind.IncomingPrefix
                ? IpPrefix.Of(key.Address, _config.CarpetPrefixLengthV4, _config.CarpetPrefixLengthV6).ToString()
                : key.Address.ToString(),
            SensorId = SensorId,
            SensorName = SensorName,
            Type = key.Kind == KeyKind.IncomingPrefix ? AttackType.CarpetBombing : vector,
            Vector = vector,
            ReflectorPort = reflector,
            HostGroup = state.Group,
            Start = DateTimeOffset.FromUnixTimeSeconds(state.FirstOverSecond),
            DetectedAt = _time.GetUtcNow(),
            Triggers = triggers,
            Evidence = state.Evidence ?? new Evidence.AttackEvidence(_config.SampleFlows, _random.Next()),
            LastOnSecond = second,
        };
        state.Evidence = attack.Evidence;
        state.Attack = attack;
        state.UnderCount = 0;
        WatchKey(state);
        attack.Observe(second, values[(int)DetectionMetric.Packets], values[(int)DetectionMetric.Bits], values[(int)DetectionMetric.Flows]);
        changes.Add(new AttackChange(attack.Report(), Started: true, Ended: false));
    }

    private static bool Negligible(in KeySlot slot, double[] floors) =>
        Under(slot.Instant, floors) && (slot.HeldWeight <= 0 || Under(slot.Held, floors));

    private static bool Under(in TrafficCounters c, double[] floors) =>
        c[Counter.Packets] < floors[Counter.Packets] && c[Counter.Bytes] < floors[Counter.Bytes] && c[Counter.Flows] < floors[Counter.Flows]
        && c[Counter.SynPackets] < floors[Counter.SynPackets] && c[Counter.UdpPackets] < floors[Counter.UdpPackets]
        && c[Counter.UdpBytes] < floors[Counter.UdpBytes] && c[Counter.IcmpPackets] < floors[Counter.IcmpPackets]
        && c[Counter.FragmentPackets] < floors[Counter.FragmentPackets];

    private static bool Significant(in TrafficCounters held, double[] thresholds)
    {
        static bool Check(double value, double threshold) => threshold > 0 && value >= threshold * HoldFloorFraction;
        return Check(held[Counter.Packets], thresholds[(int)DetectionMetric.Packets])
               || Check(held[Counter.Bytes] * 8, thresholds[(int)DetectionMetric.Bits])
               || Check(held[Counter.SynPackets], thresholds[(int)DetectionMetric.SynPackets])
               || Check(held[Counter.UdpPackets], thresholds[(int)DetectionMetric.UdpPackets])
               || Check(held[Counter.UdpBytes] * 8, thresholds[(int)DetectionMetric.UdpBits])
               || Check(held[Counter.IcmpPackets], thresholds[(int)DetectionMetric.IcmpPackets])
               || Check(held[Counter.FragmentPackets], thresholds[(int)DetectionMetric.FragmentPackets]);
    }

    private KeyState? Track(DetectionKey key, double[] thresholds, string? group)
    {
        if (_states.Count >= _config.MaxTrackedKeys && !EvictOne())
        {
            _trackRefused++;
            return null;
        }

        var state = new KeyState(key) { Thresholds = thresholds, Group = group, ConfigVersion = _configVersion, Index = _states.Count };
        _states.Add(state);
        _tracked[key] = state;
        _trackedChanged = true;
        return state;
    }

    /// <summary>Makes room: of a few states picked at random, drops the one holding the least that is neither a candidate nor attacked.</summary>
    private bool EvictOne()
    {
        KeyState? victim = null;
        for (var i = 0; i < 8; i++)
        {
            var candidate = _states[_random.Next(_states.Count)];
            if (candidate.Attack is null && candidate.OverCount == 0 && (victim is null || candidate.Held[Counter.Packets] < victim.Held[Counter.Packets]))
            {
                victim = candidate;
            }
        }

        if (victim is null)
        {
            return false;
        }

        _evictions++;
        Untrack(victim);
        return true;
    }

    private void Untrack(KeyState state)
    {
        UnwatchKey(state, keepEvidence: false);
        state.Generation++;
        var last = _states[^1];
        _states[state.Index] = last;
        last.Index = state.Index;
        _states.RemoveAt(_states.Count - 1);
        _tracked.Remove(state.Key);
        _trackedChanged = true;
    }
}
