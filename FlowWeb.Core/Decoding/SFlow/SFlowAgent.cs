using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// What the decoder knows about one sFlow agent (agent address and sub-agent id): datagram and sample sequence
/// accounting, and the latest counters of each of its interfaces. Written by the receive loop that decodes its
/// datagrams; counters are read from any thread (64-bit reads are atomic; the interface table under a lock, held
/// for a copy, and written only for counters samples, which arrive every 20-30 s per interface, not per packet).
/// </summary>
public sealed class SFlowAgent
{
    /// <summary>Data sources (sampled interfaces) whose sample sequence is followed per agent; more are counted in <see cref="SourcesRefused"/>.</summary>
    public const int MaxSources = 1024;

    /// <summary>Interfaces whose counters are kept per agent (a chassis switch has a few hundred ports); more are counted in <see cref="InterfacesRefused"/>.</summary>
    public const int MaxInterfaces = 1024;

    /// <summary>The uptime must go back by more than this for a datagram out of sequence to mean a reboot rather than a late datagram.</summary>
    internal const long RestartUptimeDropMs = 60_000;

    private readonly SFlowSequence _datagrams = new();
    private readonly Dictionary<ulong, Source> _sources = [];
    private readonly Dictionary<uint, SFlowInterfaceCounters> _interfaces = [];

    // The sample before the latest, per interface, for rates (written and read by the receive loop only).
    private readonly Dictionary<uint, SFlowInterfaceCounters> _previous = [];

    // Per interface: the sample the totals were last advanced to (the base of the next interval), and the running totals (see SFlowCounterTotals).
    private readonly Dictionary<uint, Track> _tracks = [];
    private readonly Lock _interfacesSync = new();
    private SFlowInterfaceReading[] _readings = [];
    private long _countersVersion;
    private long _readingsVersion;
    private uint _lastUptime;

    internal SFlowAgent(FlowAddress address, uint subAgent, DateTimeOffset firstSeen)
    {
        Address = address;
        SubAgent = subAgent;
        FirstSeen = firstSeen;
        LastSeen = firstSeen;
    }

    public FlowAddress Address { get; }

    public uint SubAgent { get; }

    public DateTimeOffset FirstSeen { get; }

    public DateTimeOffset LastSeen { get; internal set; }

    public long Datagrams { get; private set; }

    /// <summary>Datagrams missing from the agent's sequence (lost on the way, or never sent).</summary>
    public long LostDatagrams => _datagrams.Lost;

    /// <summary>Datagrams that arrived behind their sequence position (late or duplicated).</summary>
    public long LateDatagrams => _datagrams.Late;

    /// <summary>Times the agent restarted (its uptime went back, or its sequence jumped beyond the restart threshold).</summary>
    public long Restarts { get; private set; }

    public long FlowSamples { get; private set; }

    public long CountersSamples { get; private set; }

    /// <summary>Flow samples missing from their data source's sequence: lost between the agent and FlowWeb.</summary>
    public long LostSamples { get; private set; }

    /// <summary>Samples the agent itself dropped for lack of resources (its <c>drops</c> counters' increase).</summary>
    public long AgentDrops { get; private set; }

    /// <summary>Packets the agent's samplers saw (the increase of their sample pools): the exact packet count the samples stand for.</summary>
    public long PoolPackets { get; private set; }

    /// <summary>Flow samples whose raw header ended before the layer it announced.</summary>
    public long HeadersCutShort { get; private set; }

    /// <summary>Samples and records of formats FlowWeb does not read (vendor structures), skipped by their length.</summary>
    public long UnknownSamples { get; internal set; }

    public long UnknownRecords { get; internal set; }

    public long SourcesRefused { get; private set; }

    public long InterfacesRefused { get; private set; }

    /// <summary>Counters samples that arrived behind the interface's latest (by the agent's uptime, less than a restart's drop): not used for history.</summary>
    public long LateCounters { get; private set; }

    public uint LastUptimeMs => _lastUptime;

    public uint LastSamplingRate { get; private set; }

    /// <summary>The latest counters of every interface, by ifIndex.</summary>
    public IReadOnlyList<SFlowInterfaceCounters> Interfaces()
    {
        lock (_interfacesSync)
        {
            var list = _interfaces.Values.ToList();
            list.Sort((a, b) => a.IfIndex.CompareTo(b.IfIndex));
            return list;
        }
    }

    /// <summary>
    /// The interfaces' readings by ifIndex, with rates, as an immutable array for the live frame. Built by the
    /// collector's once-a-second tick, and only when a counters sample arrived since the last build (otherwise the
    /// same array again): the receive loop allocates nothing for it, whatever rate of counters samples an agent
    /// sends, and pages read the frame, never this table.
    /// </summary>
    internal IReadOnlyList<SFlowInterfaceReading> Readings()
    {
        lock (_interfacesSync)
        {
            if (_readingsVersion == _countersVersion)
            {
                return _readings;
            }

            var readings = new SFlowInterfaceReading[_interfaces.Count];
            var i = 0;
            foreach (var (index, latest) in _interfaces)
            {
                readings[i++] = SFlowInterfaceReading.Of(latest, _previous.TryGetValue(index, out var p) ? p : null) with
                {
                    Totals = _tracks.TryGetValue(index, out var track) ? track.Totals : default,
                };
            }

            Array.Sort(readings, (a, b) => a.IfIndex.CompareTo(b.IfIndex));
            _readings = readings;
            _readingsVersion = _countersVersion;
            return readings;
        }
    }

    /// <summary>Counts a datagram and follows its sequence; a reboot (uptime back by more than a minute, sequence off) resets every data source too.</summary>
    internal void ObserveDatagram(uint sequence, uint uptimeMs, uint restartThreshold)
    {
        Datagrams++;
        if (_datagrams.Synchronised && sequence != _datagrams.Expected && (long)uptimeMs + RestartUptimeDropMs < _lastUptime)
        {
            Restarts++;
            _datagrams.Resynchronise();
            foreach (var source in _sources.Values)
            {
                source.Sequence.Resynchronise();
            }
        }

        var step = _datagrams.Observe(sequence, restartThreshold, out _);
        if (step == SequenceStep.Reset)
        {
            Restarts++;
        }

        if (step != SequenceStep.Late)
        {
            _lastUptime = uptimeMs;
        }
    }

    internal void ObserveFlowSample(in SFlowFlowSample s, uint restartThreshold)
    {
        FlowSamples++;
        LastSamplingRate = s.SamplingRate;
        if (s.Has(SFlowSampleParts.HeaderCutShort))
        {
            HeadersCutShort++;
        }

        var key = ((ulong)s.SourceIdType << 32) | s.SourceIdIndex;
        if (!_sources.TryGetValue(key, out var source))
        {
            if (_sources.Count >= MaxSources)
            {
                SourcesRefused++;
                return;
            }

            source = new Source();
            _sources[key] = source;
        }

        var step = source.Sequence.Observe(s.SampleSequence, restartThreshold, out var gap);
        LostSamples += gap;
        if (step is SequenceStep.InOrder or SequenceStep.Gap)
        {
            // Counters deltas in 32 bits: the pool and drop counters wrap like the sequence numbers.
            PoolPackets += s.SamplePool - source.Pool;
            AgentDrops += s.Drops - source.Drops;
        }

        if (step != SequenceStep.Late)
        {
            source.Pool = s.SamplePool;
            source.Drops = s.Drops;
        }
    }

    internal void StoreCounters(in SFlowInterfaceCounters c)
    {
        CountersSamples++;
        if (!c.HasGeneric)
        {
            return;
        }

        lock (_interfacesSync)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_interfaces, c.IfIndex);
            if (!Unsafe.IsNullRef(ref slot))
            {
                // A late sample or a restart (uptime back) shows no rate until the next sample: see SFlowInterfaceReading.Of.
                _previous[c.IfIndex] = slot;
                slot = c;
                _countersVersion++;
                Accumulate(c);
            }
            else if (_interfaces.Count < MaxInterfaces)
            {
                _interfaces[c.IfIndex] = c;
                _countersVersion++;
                _tracks[c.IfIndex] = new Track { Base = c };
            }
            else
            {
                InterfacesRefused++;
            }
        }
    }

    /// <summary>
    /// Adds the interval since the interface's base sample to its totals and makes this sample the base. A sample
    /// behind the base by less than a restart's uptime drop is late (a datagram overtaken on the way): counting it
    /// would count the same interval twice, so it is skipped and the base stays.
    /// </summary>
    private void Accumulate(in SFlowInterfaceCounters c)
    {
        ref var track = ref CollectionsMarshal.GetValueRefOrNullRef(_tracks, c.IfIndex);
        var back = (long)track.Base.UptimeMs - c.UptimeMs;
        if (back > 0 && back < RestartUptimeDropMs)
        {
            LateCounters++;
            return;
        }

        track.Totals = track.Totals.Add(track.Base, c);
        track.Base = c;
    }

    private struct Track
    {
        public SFlowInterfaceCounters Base;
        public SFlowCounterTotals Totals;
    }

    private sealed class Source
    {
        public readonly SFlowSequence Sequence = new();
        public uint Pool;
        public uint Drops;
    }
}
