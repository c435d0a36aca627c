using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>
/// Field-by-field comparison of flow records that names the field that differs, and the list of
/// <see cref="FlowRecord"/> fields a template carries (written here from the IANA element definitions,
/// independently of the encoder's own mapping).
/// </summary>
internal static class RecordAssert
{
    private static readonly Dictionary<string, Func<FlowRecord, object>> Getters = new()
    {
        [nameof(FlowRecord.SrcAddr)] = r => r.SrcAddr,
        [nameof(FlowRecord.DstAddr)] = r => r.DstAddr,
        [nameof(FlowRecord.NextHop)] = r => r.NextHop,
        [nameof(FlowRecord.PostNatSrcAddr)] = r => r.PostNatSrcAddr,
        [nameof(FlowRecord.PostNatDstAddr)] = r => r.PostNatDstAddr,
        [nameof(FlowRecord.Bytes)] = r => r.Bytes,
        [nameof(FlowRecord.Packets)] = r => r.Packets,
        [nameof(FlowRecord.StartMs)] = r => r.StartMs,
        [nameof(FlowRecord.EndMs)] = r => r.EndMs,
        [nameof(FlowRecord.SrcMac)] = r => r.SrcMac,
        [nameof(FlowRecord.DstMac)] = r => r.DstMac,
        [nameof(FlowRecord.InIf)] = r => r.InIf,
        [nameof(FlowRecord.OutIf)] = r => r.OutIf,
        [nameof(FlowRecord.SrcAs)] = r => r.SrcAs,
        [nameof(FlowRecord.DstAs)] = r => r.DstAs,
        [nameof(FlowRecord.SamplingRate)] = r => r.SamplingRate,
        [nameof(FlowRecord.SrcPort)] = r => r.SrcPort,
        [nameof(FlowRecord.DstPort)] = r => r.DstPort,
        [nameof(FlowRecord.PostNatSrcPort)] = r => r.PostNatSrcPort,
        [nameof(FlowRecord.PostNatDstPort)] = r => r.PostNatDstPort,
        [nameof(FlowRecord.TcpFlags)] = r => r.TcpFlags,
        [nameof(FlowRecord.Vlan)] = r => r.Vlan,
        [nameof(FlowRecord.Protocol)] = r => r.Protocol,
        [nameof(FlowRecord.Tos)] = r => r.Tos,
        [nameof(FlowRecord.SrcMask)] = r => r.SrcMask,
        [nameof(FlowRecord.DstMask)] = r => r.DstMask,
        [nameof(FlowRecord.Direction)] = r => r.Direction,
        [nameof(FlowRecord.NatEvent)] = r => r.NatEvent,
        [nameof(FlowRecord.EndReason)] = r => r.EndReason,
    };

    /// <summary>The fields a v5 record carries.</summary>
    public static readonly string[] V5Fields =
    [
        "SrcAddr", "DstAddr", "NextHop", "InIf", "OutIf", "Packets", "Bytes", "StartMs", "EndMs",
        "SrcPort", "DstPort", "TcpFlags", "Protocol", "Tos", "SrcAs", "DstAs", "SrcMask", "DstMask",
    ];

    /// <summary>The record field an IANA element fills, or null for elements without one.</summary>
    public static string? FieldOf(TemplateField field)
    {
        if (field.IsEnterprise || field.IsVariableLength || field.Length == 0)
        {
            return null;
        }

        return field.ElementId switch
        {
            1 or 23 or 85 => "Bytes",
            2 or 24 or 86 => "Packets",
            4 => "Protocol",
            5 => "Tos",
            6 => "TcpFlags",
            7 => "SrcPort",
            11 => "DstPort",
            8 or 27 => "SrcAddr",
            12 or 28 => "DstAddr",
            9 or 29 => "SrcMask",
            13 or 30 => "DstMask",
            15 or 62 => "NextHop",
            10 => "InIf",
            14 => "OutIf",
            16 => "SrcAs",
            17 => "DstAs",
            22 or 150 or 152 or 154 or 156 or 158 => "StartMs",
            21 or 151 or 153 or 155 or 157 or 159 => "EndMs",
            34 or 50 or 305 => "SamplingRate",
            56 => "SrcMac",
            80 => "DstMac",
            58 => "Vlan",
            61 => "Direction",
            136 => "EndReason",
            225 or 281 => "PostNatSrcAddr",
            226 or 282 => "PostNatDstAddr",
            227 => "PostNatSrcPort",
            228 => "PostNatDstPort",
            230 => "NatEvent",
            _ => null,
        };
    }

    /// <summary>The record fields a data template carries (v9 option scopes excluded).</summary>
    public static IReadOnlyList<string> CarriedBy(FlowTemplate template)
    {
        var skip = template.ScopesAreV9Types ? template.ScopeFieldCount : 0;
        return [.. template.Fields.Skip(skip).Select(FieldOf).OfType<string>().Distinct()];
    }

    public static void Same(in FlowRecord expected, in FlowRecord actual, IEnumerable<string> fields, int index)
    {
        foreach (var name in fields)
        {
            var e = Getters[name](expected);
            var a = Getters[name](actual);
            if (!Equals(e, a))
            {
                Assert.Fail($"record {index}: {name} expected {e} but was {a}");
            }
        }
    }

    public static void AllSame(ReadOnlySpan<FlowRecord> expected, ReadOnlySpan<FlowRecord> actual, IEnumerable<string> fields)
    {
        Assert.Equal(expected.Length, actual.Length);
        var list = fields.ToList();
        for (var i = 0; i < expected.Length; i++)
        {
            Same(expected[i], actual[i], list, i);
        }
    }

    /// <summary>Compares the fields the template carries plus what every v9/IPFIX record has: version, domain and template id.</summary>
    public static void RoundTrip(ReadOnlySpan<FlowRecord> expected, ReadOnlySpan<FlowRecord> actual, FlowTemplate template, byte version, uint domain)
    {
        AllSame(expected, actual, CarriedBy(template));
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(version, actual[i].Version);
            Assert.Equal(domain, actual[i].ObservationDomain);
            Assert.Equal(template.Id, actual[i].TemplateId);
        }
    }
}
