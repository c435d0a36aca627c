using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>What one export packet of a capture must decode to (record counts from the reference decoders).</summary>
internal sealed record PacketExpectation(DecodeStatus Status, int Records, int OptionsRecords = 0);

/// <summary>One capture file: a single raw payload (.dat/.bin, sent from <paramref name="Exporter"/>) or a pcap (sent from each frame's IP source).</summary>
internal sealed record CaptureFile(string Path, FlowAddress Exporter, PacketExpectation[] Packets)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public bool IsPcap => Path.EndsWith(".pcap", StringComparison.Ordinal);

    public override string ToString() => Name;
}

/// <summary>
/// Files that must be fed, in order, to one decoder (templates first unless the case says otherwise).
/// <paramref name="SelfContained"/>: every packet decodes to the same records alone (sFlow: no templates), so tests
/// that replay the packets before each one need not.
/// </summary>
internal sealed record CaptureGroup(string Name, CaptureFile[] Files, bool SelfContained = false)
{
    public override string ToString() => Name;
}

/// <summary>One export packet taken out of a capture file.</summary>
internal sealed record CapturePacket(CaptureFile File, int Index, FlowAddress Exporter, byte[] Payload);

internal static class Captures
{
    /// <summary>The decoders' clock in capture tests; captures carry their own export times, so this only drives expiry.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData", "captures");

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    /// <summary>Every capture file on disk, as paths relative to <see cref="Root"/> with forward slashes.</summary>
    public static IEnumerable<string> AllFiles() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static IReadOnlyList<CapturePacket> Packets(CaptureFile file)
    {
        var bytes = Read(file.Path);
        if (!file.IsPcap)
        {
            return [new CapturePacket(file, 0, file.Exporter, bytes)];
        }

        return [.. FlowWeb.Core.Capture.PcapReader.Read(bytes, out _).Select((d, i) => new CapturePacket(file, i, d.Source, d.Payload))];
    }

    public static IEnumerable<CapturePacket> Packets(CaptureGroup group) => group.Files.SelectMany(Packets);

    public static FlowDecoder NewDecoder(DecoderOptions? options = null) => new(options, new FakeTimeProvider(Now));
}
