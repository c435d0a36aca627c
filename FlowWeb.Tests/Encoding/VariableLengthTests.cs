using TextEncoding = System.Text.Encoding;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>IPFIX variable-length fields (RFC 7011 §7) and enterprise elements (§3.2), read back through the decoder.</summary>
public sealed class VariableLengthTests
{
    private const uint NetScaler = 5951;
    private const uint PrivatePen = 32473; // RFC 5612 documentation PEN
    private const ushort InterfaceName = 82;

    private static readonly FlowTemplate Template = new(400,
    [
        new(8, 4), new(12, 4), new(InterfaceName, TemplateField.VariableLength), new(1, 4),
        new(129, TemplateField.VariableLength, NetScaler), new(7, 2), new(11, 2), new(12345, 4, PrivatePen), new(152, 8), new(153, 8),
    ]);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(300)]
    [InlineData(1200)]
    public void VariableAndEnterpriseValues_AnyLength_ReadBackExactly(int length)
    {
        var records = SampleFlows.Create(3, ipv6: false, Template);
        var values = new ElementValues?[records.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new ElementValues()
                .SetString(InterfaceName, new string((char)('a' + i), length))
                .SetBytes(129, TextEncoding.ASCII.GetBytes($"cookie-{i}"), NetScaler)
                .SetUnsigned(12345, 0xC0FFEE00u + (uint)i, PrivatePen);
        }

        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        var message = new IpfixEncoder().Begin(buffer, SampleFlows.ExportMs);
        Assert.True(message.TryAddTemplates(Template));
        Assert.Equal(3, message.AddDataRecords(Template, records, values));
        var total = message.Finish();
        using var collector = new Collector();

        collector.FeedOk(buffer.AsSpan(0, total));

        var decoded = collector.Records;
        RecordAssert.RoundTrip(records, decoded, Template, 10, 0);
        for (var i = 0; i < decoded.Length; i++)
        {
            Assert.True(collector.Batch.TryGetElement(decoded[i], InterfaceName, 0, out var name));
            Assert.Equal(new string((char)('a' + i), length), TextEncoding.UTF8.GetString(name));
            Assert.True(collector.Batch.TryGetElement(decoded[i], 129, NetScaler, out var cookie));
            Assert.Equal($"cookie-{i}", TextEncoding.ASCII.GetString(cookie));
            Assert.True(collector.Batch.TryGetElement(decoded[i], 12345, PrivatePen, out var pen));
            Assert.Equal($"C0FFEE0{i}", Convert.ToHexString(pen));
        }

        // The length prefix: one byte below 255, 0xFF + two bytes from 255 on.
        var prefix = length < 255 ? Convert.ToHexString([(byte)length]) : "FF" + length.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        var firstRecord = 16 + 4 + IpfixEncoder.TemplateRecordLength(Template) + 4;
        Assert.Equal(prefix, Convert.ToHexString(buffer, firstRecord + 8, prefix.Length / 2));
    }

    [Fact]
    public void EnterpriseTemplate_FieldSpecifiers_CarryEnterpriseBitAndNumber()
    {
        var buffer = new byte[200];
        var message = new IpfixEncoder().Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(Template);
        message.Finish();

        // template 400 with 10 fields; the 5th specifier: E=1 | 129, length 65535, PEN 5951.
        Assert.Equal("0190000A", Convert.ToHexString(buffer, 20, 4));
        Assert.Equal("8081FFFF0000173F", Convert.ToHexString(buffer, 24 + 16, 8));
        Assert.Equal(4 + (10 * 4) + (2 * 4), IpfixEncoder.TemplateRecordLength(Template));
    }

    [Fact]
    public void EnterpriseField_InNetFlowV9Template_Refused()
    {
        var buffer = new byte[200];
        var packet = new NetFlowV9Encoder().Begin(buffer, SampleFlows.ExportMs);

        var refused = false;
        try
        {
            packet.TryAddTemplates(Template);
        }
        catch (ArgumentException)
        {
            refused = true;
        }

        Assert.True(refused);
    }

    [Fact]
    public void RawBytes_WrongLengthForFixedField_Refused()
    {
        var template = new FlowTemplate(401, [new(8, 4), new(12345, 4, PrivatePen)]);
        var values = new ElementValues().SetBytes(12345, [1, 2, 3], PrivatePen);
        var records = new FlowRecord[1];
        var buffer = new byte[200];
        var message = new IpfixEncoder().Begin(buffer, SampleFlows.ExportMs);

        var refused = false;
        try
        {
            message.AddDataRecords(template, records, values);
        }
        catch (ArgumentException)
        {
            refused = true;
        }

        Assert.True(refused);
    }

    [Fact]
    public void VariableOnlyTemplate_NoPaddingThatCouldReadAsARecord()
    {
        // Smallest record is 1 byte (an empty value): padding would decode as extra records, so none is written.
        var template = new FlowTemplate(402, [new(InterfaceName, TemplateField.VariableLength)]);
        var values = new ElementValues?[] { new ElementValues().SetString(InterfaceName, "ether1") };
        var buffer = new byte[200];
        var message = new IpfixEncoder().Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(template);
        message.AddDataRecords(template, new FlowRecord[1], values);
        using var collector = new Collector();

        var result = collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        Assert.Equal(1, result.Records);
        Assert.True(collector.Batch.TryGetElement(collector.Records[0], InterfaceName, 0, out var name));
        Assert.Equal("ether1", TextEncoding.UTF8.GetString(name));
    }
}
