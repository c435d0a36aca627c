using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;

namespace FlowWeb.Core.Flows;

/// <summary>
/// Writes records as the decode tool's JSON objects: data records with a fixed set of keys (only those the
/// record carries), options records with every element by IANA name. Times are ISO 8601 UTC with milliseconds.
/// </summary>
public static class FlowRecordJson
{
    public static void WriteDataRecord(Utf8JsonWriter json, FlowBatch batch, in FlowRecord r)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(batch);
        var known = FlowFieldsOf.Record(batch, r);
        json.WriteStartObject();
        json.WriteString("exporter", batch.Exporter.ToString());
        json.WriteNumber("version", r.Version);
        if (r.Version >= 9)
        {
            json.WriteNumber("domain", r.ObservationDomain);
            json.WriteNumber("templateId", r.TemplateId);
        }

        Address(json, "srcAddr", r.SrcAddr, known, FlowFields.SrcAddr);
        Address(json, "dstAddr", r.DstAddr, known, FlowFields.DstAddr);
        Number(json, "srcPort", r.SrcPort, known, FlowFields.SrcPort);
        Number(json, "dstPort", r.DstPort, known, FlowFields.DstPort);
        Number(json, "protocol", r.Protocol, known, FlowFields.Protocol);
        Number(json, "bytes", r.Bytes, known, FlowFields.Bytes);
        Number(json, "packets", r.Packets, known, FlowFields.Packets);
        Number(json, "tcpFlags", r.TcpFlags, known, FlowFields.TcpFlags);
        Number(json, "tos", r.Tos, known, FlowFields.Tos);
        Number(json, "inIf", r.InIf, known, FlowFields.InIf);
        Number(json, "outIf", r.OutIf, known, FlowFields.OutIf);
        Address(json, "nextHop", r.NextHop, known, FlowFields.NextHop);
        Number(json, "srcAs", r.SrcAs, known, FlowFields.SrcAs);
        Number(json, "dstAs", r.DstAs, known, FlowFields.DstAs);
        Number(json, "srcMask", r.SrcMask, known, FlowFields.SrcMask);
        Number(json, "dstMask", r.DstMask, known, FlowFields.DstMask);
        Address(json, "postNatSrcAddr", r.PostNatSrcAddr, known, FlowFields.PostNatSrcAddr);
        Address(json, "postNatDstAddr", r.PostNatDstAddr, known, FlowFields.PostNatDstAddr);
        Number(json, "postNatSrcPort", r.PostNatSrcPort, known, FlowFields.PostNatSrcPort);
        Number(json, "postNatDstPort", r.PostNatDstPort, known, FlowFields.PostNatDstPort);
        json.WriteString("start", FormatTime(r.StartMs));
        json.WriteString("end", FormatTime(r.EndMs));
        json.WriteNumber("samplingRate", r.SamplingRate);
        json.WriteEndObject();
    }

    public static void WriteOptionsRecord(Utf8JsonWriter json, FlowBatch batch, in FlowRecord r)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(batch);
        json.WriteStartObject();
        json.WriteString("exporter", batch.Exporter.ToString());
        json.WriteNumber("version", r.Version);
        json.WriteNumber("domain", r.ObservationDomain);
        json.WriteNumber("templateId", r.TemplateId);
        json.WriteBoolean("options", true);
        var template = batch.TemplateOf(r);
        var index = 0;
        foreach (var (field, value) in batch.Elements(r))
        {
            var v9Scope = template is { ScopesAreV9Types: true } && index < template.ScopeFieldCount;
            var name = v9Scope ? FlowTemplate.V9ScopeName(field.ElementId) : InformationElements.NameOf(field.ElementId, field.EnterpriseNumber);
            json.WritePropertyName(name);
            WriteElementValue(json, v9Scope ? (ushort)0 : field.ElementId, field.EnterpriseNumber, value);
            index++;
        }

        json.WriteEndObject();
    }

    /// <summary>A MAC address held in the low 48 bits, as aa:bb:cc:dd:ee:ff.</summary>
    public static string FormatMac(ulong mac) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(mac >> (40 - (8 * i)))).ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>ISO 8601 UTC with milliseconds, e.g. 2016-07-21T13:51:42.254Z.</summary>
    public static string FormatTime(long unixMs) =>
        DateTime.UnixEpoch.AddMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>An element as JSON: integers up to 8 bytes as numbers, addresses and MACs as text, printable strings as text, anything else as hex.</summary>
    public static void WriteElementValue(Utf8JsonWriter json, ushort elementId, uint enterpriseNumber, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (enterpriseNumber == 0)
        {
            switch (elementId)
            {
                case 8 or 12 or 15 or 18 or 47 or 130 or 225 or 226 when value.Length == 4:
                    json.WriteStringValue(FlowAddress.FromIPv4(value).ToString());
                    return;
                case 27 or 28 or 62 or 63 or 131 or 281 or 282 when value.Length == 16:
                    json.WriteStringValue(FlowAddress.FromIPv6(value).ToString());
                    return;
                case 56 or 57 or 80 or 81 when value.Length == 6:
                    json.WriteStringValue(FormatMac(WireReader.ReadUnsigned(value)));
                    return;
                case 82 or 83 or 94 or 96 or 371:
                    json.WriteStringValue(System.Text.Encoding.UTF8.GetString(value).TrimEnd('\0'));
                    return;
            }
        }

        if (value.Length is > 0 and <= 8 && !IsText(value, enterpriseNumber))
        {
            json.WriteNumberValue(WireReader.ReadUnsigned(value));
        }
        else if (IsText(value, enterpriseNumber))
        {
            json.WriteStringValue(System.Text.Encoding.UTF8.GetString(value).TrimEnd('\0'));
        }
        else
        {
            json.WriteStringValue(Convert.ToHexString(value).ToLowerInvariant());
        }
    }

    /// <summary>Enterprise and long elements that hold only printable ASCII are shown as text (NetScaler URLs, usernames).</summary>
    private static bool IsText(ReadOnlySpan<byte> value, uint enterpriseNumber)
    {
        if (value.Length == 0 || (value.Length <= 8 && enterpriseNumber == 0))
        {
            return false;
        }

        var trimmed = value.TrimEnd((byte)0);
        foreach (var b in trimmed)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        return trimmed.Length > 0 && (value.Length > 8 || trimmed.Length == value.Length);
    }

    private static void Address(Utf8JsonWriter json, string name, FlowAddress value, FlowFields known, FlowFields field)
    {
        if ((known & field) != 0)
        {
            json.WriteString(name, value.ToString());
        }
    }

    private static void Number(Utf8JsonWriter json, string name, ulong value, FlowFields known, FlowFields field)
    {
        if ((known & field) != 0)
        {
            json.WriteNumber(name, value);
        }
    }
}
