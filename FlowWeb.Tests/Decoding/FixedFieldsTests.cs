using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// A fixed template's straight pass over its common fields (<see cref="FixedFields"/>) reads every record exactly as
/// the loop over all its fields does, whatever the template: random templates of mapped elements in random lengths,
/// with repeated elements, both address families for the same address and several time formats for the same time
/// (which the straight pass must leave to the loop, in template order), over random record bytes.
/// </summary>
public sealed class FixedFieldsTests
{
    /// <summary>Elements with the lengths the decoder maps them in (numbers 1-8 bytes; addresses, MACs as they are).</summary>
    private static readonly (ushort Id, ushort[] Lengths)[] Elements =
    [
        (1, [1, 2, 4, 8]), (2, [1, 2, 4, 8]), (4, [1]), (5, [1]), (6, [1, 2]), (7, [2]), (11, [2]), (8, [4]), (12, [4]), (27, [16]), (28, [16]),
        (9, [1]), (13, [1]), (29, [1]), (30, [1]), (15, [4]), (62, [16]), (10, [2, 4]), (14, [2, 4]), (16, [2, 4]), (17, [2, 4]), (22, [4]),
        (21, [4]), (150, [4]), (151, [4]), (152, [8]), (153, [8]), (154, [8]), (155, [8]), (34, [4]), (58, [2]), (61, [1]), (56, [6]),
        (85, [3, 8]), (23, [8]), (225, [4]), (227, [2]), (99, [4]),
    ];

    [Fact]
    public void RandomTemplates_StraightPassAndLoop_DecodeEveryRecordAlike()
    {
        var random = new Random(20261205);
        var straight = 0;
        for (var t = 0; t < 2_000; t++)
        {
            var fields = new TemplateField[random.Next(1, 24)];
            for (var i = 0; i < fields.Length; i++)
            {
                var (id, lengths) = Elements[random.Next(Elements.Length)];
                fields[i] = new TemplateField(id, lengths[random.Next(lengths.Length)]);
            }

            var withPass = FieldProgram.Compile(fields);
            var loopOnly = FieldProgram.Compile(fields, straightPass: false);
            var length = fields.Sum(f => f.Length);
            straight += fields.Length;
            var data = new byte[length];
            for (var n = 0; n < 5; n++)
            {
                random.NextBytes(data);
                // Zero addresses now and then: an all-zero address of one family must not replace the other's.
                if (n == 1)
                {
                    Array.Clear(data, 0, Math.Min(length, 16));
                }

                FlowRecord a = default, b = default;
                RecordExtras xa = default, xb = default;
                withPass.DecodeFixed(data, ref a, ref xa);
                loopOnly.DecodeFixed(data, ref b, ref xb);
                Assert.True(a.Equals(b), $"template {string.Join(",", fields.Select(f => $"{f.ElementId}:{f.Length}"))}, record {n}");
                Assert.Equal(xb, xa);
            }
        }

        Assert.True(straight > 10_000);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RouterOsIpfixTemplates_CommonFieldsInTheStraightPass_PostNatLeftForTheLoop(bool ipv6)
    {
        // RouterOS 6.39.2's IPFIX templates 258 (IPv4) and 259 (IPv6), as protocols.md §2.2 lists them.
        TemplateField[] common = [new(60, 1), new(22, 4), new(21, 4), new(2, 4), new(1, 4), new(7, 2), new(11, 2), new(10, 4), new(14, 4), new(4, 1), new(6, 1)];
        TemplateField[] fields = ipv6
            ? [.. common, new(27, 16), new(28, 16), new(62, 16)]
            : [.. common, new(8, 4), new(12, 4), new(15, 4), new(225, 4), new(226, 4)];

        var fixedFields = FixedFields.Take(FieldProgram.Compile(fields, straightPass: false).Ops, out var rest);

        Assert.NotNull(fixedFields);
        FieldTarget[] expectedRest = ipv6 ? [] : [FieldTarget.PostNatSrcV4, FieldTarget.PostNatDstV4];
        Assert.Equal(expectedRest, rest.Select(o => o.Target));
    }
}
