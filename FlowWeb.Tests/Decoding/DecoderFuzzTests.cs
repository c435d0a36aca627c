using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// A seeded, bounded fuzz run over mutations of the real captures: bit flips, byte changes, edits of the
/// length and count fields the decoders trust least, truncations, insertions and splices of two captures.
/// One long-lived decoder with small caps receives them all, as a collector would from a hostile network.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int Iterations = 20_000;
    private const int Seed = 0x5EED_F10;

    private static readonly DecoderOptions SmallCaps = new()
    {
        MaxExporters = 8,
        MaxTemplatesPerExporter = 16,
        MaxTemplates = 64,
        MaxPendingSets = 32,
        MaxPendingBytes = 64 * 1024,
        MaxPendingSetsPerTemplate = 4,
        TemplateLifetime = TimeSpan.FromMinutes(10),
        PendingLifetime = TimeSpan.FromMinutes(1),
    };

    private static readonly ushort[] Boundaries = [0, 1, 2, 3, 4, 5, 8, 15, 16, 19, 20, 23, 24, 255, 256, 257, 1023, 1024, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF];

    [Fact]
    public void Decode_TwentyThousandMutatedCaptures_NeverThrowsAndStaysBounded()
    {
        // At most 16 packets per file, so that the 1,000 datagrams of one sFlow capture do not crowd out the NetFlow cases.
        var corpus = CaptureCatalog.Files.SelectMany(f => Captures.Packets(f).Take(16)).Select(p => p.Payload).ToArray();
        var exporters = Enumerable.Range(1, 12).Select(i => FlowAddress.Parse($"198.18.0.{i}")).ToArray();
        var random = new Random(Seed);
        var clock = new FakeTimeProvider(Captures.Now);
        var decoder = new FlowDecoder(SmallCaps, clock);
        using var batch = new FlowBatch { IncludeOptions = true };
        var statuses = new HashSet<DecodeStatus>();

        // Learn the real templates first so that mutations reach the data paths too.
        foreach (var packet in corpus)
        {
            decoder.Decode(exporters[0], packet, batch);
            batch.Clear();
        }

        for (var i = 0; i < Iterations; i++)
        {
            var datagram = Mutate(random, corpus);
            var exporter = exporters[random.Next(exporters.Length)];
            var pendingBytesBefore = decoder.Exporters.Sum(e => e.PendingBytes);
            if (random.Next(50) == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(random.Next(1, 400)));
            }

            batch.Clear();
            var result = decoder.Decode(exporter, datagram, batch);
            statuses.Add(result.Status);

            // Records need at least one byte each, of this datagram or of data held earlier; v1/v5 have their caps.
            Assert.True(batch.Count <= datagram.Length + pendingBytesBefore, $"iteration {i}: {batch.Count} records from {datagram.Length} bytes");
            if (result.Version is 1 or 5)
            {
                Assert.True(batch.Count <= (result.Version == 1 ? 24 : 30));
            }

            Assert.Equal(batch.Count, result.Records + result.OptionsRecords);
            Assert.True(decoder.Templates.Count <= SmallCaps.MaxTemplates);
            Assert.True(decoder.Templates.CountFor(exporter) <= SmallCaps.MaxTemplatesPerExporter);
            Assert.True(decoder.PendingSets <= SmallCaps.MaxPendingSets);
            Assert.True(decoder.Exporters.Count <= SmallCaps.MaxExporters);
            Assert.True(decoder.Exporters.Sum(e => e.PendingBytes) <= SmallCaps.MaxPendingBytes);
        }

        // The run reached the decoders' error paths, not just their happy path.
        Assert.Contains(DecodeStatus.Ok, statuses);
        Assert.Contains(DecodeStatus.BadSetLength, statuses);
        Assert.Contains(DecodeStatus.ExporterLimit, statuses);
        Assert.True(statuses.Count >= 8, string.Join(", ", statuses));
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        var source = corpus[random.Next(corpus.Length)];
        var data = (byte[])source.Clone();
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(8))
            {
                case 0 when data.Length > 0: // flip one bit
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Length > 0: // replace a byte
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                    break;
                case 2 when data.Length >= 4: // a header length/count field (offset 2) or any 16-bit field set to a boundary
                    var at = random.Next(3) == 0 ? 2 : random.Next(data.Length - 1) & ~1;
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), Boundaries[random.Next(Boundaries.Length)]);
                    break;
                case 3 when data.Length >= 4: // nudge a 16-bit field by a little
                    var pos = random.Next(data.Length - 1) & ~1;
                    var value = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(pos));
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(pos), (ushort)(value + random.Next(-4, 5)));
                    break;
                case 4: // truncate
                    data = data[..random.Next(data.Length + 1)];
                    break;
                case 5: // splice the head of this one onto the tail of another capture
                    var other = corpus[random.Next(corpus.Length)];
                    var cut = random.Next(other.Length + 1);
                    data = [.. data.AsSpan(0, random.Next(data.Length + 1)), .. other.AsSpan(cut)];
                    break;
                case 6: // insert random bytes
                    var insert = new byte[random.Next(1, 64)];
                    random.NextBytes(insert);
                    var where = random.Next(data.Length + 1);
                    data = [.. data.AsSpan(0, where), .. insert, .. data.AsSpan(where)];
                    break;
                default: // another version in the header (0: the first half of sFlow's 32-bit version)
                    if (data.Length >= 2)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)(random.Next(5) switch { 0 => 1, 1 => 5, 2 => 9, 3 => 0, _ => 10 }));
                    }

                    break;
            }
        }

        return data;
    }
}
