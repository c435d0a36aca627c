using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// Interface names from v9/IPFIX options data (issue 12, item 10): the interface tables Cisco, Juniper and nProbe
/// send (an ifIndex scope, interfaceName 82, interfaceDescription 83), built with the project's encoder.
/// </summary>
public sealed class InterfaceOptionsTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.7");
    private static readonly long Boot = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

    /// <summary>v9 as IOS sends it: scope Interface/4, then fixed-length, NUL-padded name and description.</summary>
    private static readonly FlowTemplate V9InterfaceTable = new(300,
        [new(2, 4), new(InterfaceOptions.InterfaceName, 16), new(InterfaceOptions.InterfaceDescription, 32)],
        scopeFieldCount: 1, isOptions: true, scopesAreV9Types: true);

    /// <summary>IPFIX with variable-length strings: scope ingressInterface/4, interfaceName and interfaceDescription.</summary>
    private static readonly FlowTemplate IpfixInterfaceTable = new(400,
        [new(InformationElements.IngressInterface, 4), new(InterfaceOptions.InterfaceName, TemplateField.VariableLength),
         new(InterfaceOptions.InterfaceDescription, TemplateField.VariableLength)],
        scopeFieldCount: 1, isOptions: true);

    [Fact]
    public void V9_InterfaceTable_NamesEveryIndex()
    {
        var exporter = new FlowExporterSimulator(ExportProtocol.NetFlowV9, Boot, RouterOsTemplates.Ros7NetFlowV9IPv4) { OptionsTemplate = V9InterfaceTable };
        exporter.OptionsRecords.Add(new InterfaceRow(1, V9Name("Gi0/0/1"), V9Description("uplink to AS64500")));
        exporter.OptionsRecords.Add(new InterfaceRow(2, V9Name("Gi0/0/2"), V9Description("")));
        exporter.OptionsRecords.Add(new InterfaceRow(17, V9Name(""), V9Description("customer 17")));

        var learned = Decode(exporter);

        Assert.Equal(new LearnedInterface("Gi0/0/1", "uplink to AS64500"), learned[1]);
        Assert.Equal(new LearnedInterface("Gi0/0/2", ""), learned[2]);
        Assert.Equal(new LearnedInterface("", "customer 17"), learned[17]);
        Assert.Equal(3, learned.Count);
    }

    [Fact]
    public void Ipfix_VariableLengthNames_AreReadAndCleaned()
    {
        var exporter = new FlowExporterSimulator(ExportProtocol.Ipfix, Boot, RouterOsTemplates.Ros7IpfixIPv4) { OptionsTemplate = IpfixInterfaceTable };
        exporter.OptionsRecords.Add(new InterfaceRow(5, "xe-0/0/0", "transit"));
        exporter.OptionsRecords.Add(new InterfaceRow(6, "bad\u0001name\u0007", new string('d', 500)));
        exporter.OptionsRecords.Add(new InterfaceRow(7, "", ""));

        var learned = Decode(exporter);

        Assert.Equal(new LearnedInterface("xe-0/0/0", "transit"), learned[5]);
        Assert.Equal("bad name", learned[6].Name);
        Assert.Equal(InterfaceOptions.MaxDescriptionLength, learned[6].Description.Length);
        Assert.False(learned.ContainsKey(7), "a record with neither name nor description names nothing");
    }

    [Fact]
    public void InterfaceTable_LargerThanTheCap_KeepsAtMostTheCap()
    {
        var known = new Dictionary<uint, LearnedInterface>();
        var values = new ElementValues();
        var buffer = new byte[64];
        for (uint i = 0; i < InterfaceOptions.MaxPerExporter + 500; i += 100)
        {
            // 100 records per set, 2,000 bytes: one options set's worth for a big chassis.
            var set = new List<byte>();
            for (var j = i; j < i + 100; j++)
            {
                values.Clear();
                new InterfaceRow(j, $"if{j}", "").Apply(values);
                var length = FlowRecordWriter.Write(buffer, IpfixInterfaceTable, default, values, default);
                set.AddRange(buffer[..length]);
            }

            InterfaceOptions.Learn(IpfixInterfaceTable, set.ToArray(), known);
        }

        Assert.Equal(InterfaceOptions.MaxPerExporter, known.Count);
        Assert.Equal("if0", known[0].Name);
    }

    [Fact]
    public void Template_WithoutAnIndexOrWithoutText_IsNotAnInterfaceTable()
    {
        Assert.False(InterfaceOptions.Describes(OptionsTemplates.IpfixSamplerTable(500)));
        Assert.False(InterfaceOptions.Describes(new FlowTemplate(501, [new(InformationElements.IngressInterface, 4), new(1, 8)], scopeFieldCount: 1, isOptions: true)));
        Assert.True(InterfaceOptions.Describes(IpfixInterfaceTable));
        Assert.True(InterfaceOptions.Describes(V9InterfaceTable));
    }

    // v9 strings are fixed-length fields, padded with NULs.
    private static string V9Name(string name) => name.PadRight(16, '\0');

    private static string V9Description(string description) => description.PadRight(32, '\0');

    private static IReadOnlyDictionary<uint, LearnedInterface> Decode(FlowExporterSimulator exporter)
    {
        var decoder = new FlowDecoder();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var flow = new FlowRecord { SrcAddr = FlowAddress.Parse("10.0.0.1"), DstAddr = FlowAddress.Parse("10.0.0.2"), Protocol = 6, Bytes = 100, Packets = 1, StartMs = Boot, EndMs = Boot };
        var length = exporter.WriteDatagram([flow], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), buffer, out _);
        using var batch = new FlowBatch();
        Assert.Equal(DecodeStatus.Ok, decoder.Decode(Exporter, buffer.AsSpan(0, length), batch, 2055).Status);
        return ExporterFrame.Of(Assert.Single(decoder.Exporters)).Interfaces;
    }
}

/// <summary>One interface-table record: ifIndex as the v9 Interface scope (2) and as ingressInterface (10).</summary>
internal sealed record InterfaceRow(uint IfIndex, string Name, string Description)
{
    public static implicit operator ElementValues(InterfaceRow row) => row.Apply(new ElementValues());

    public ElementValues Apply(ElementValues values)
    {
        values.SetUnsigned(2, IfIndex).SetUnsigned(InformationElements.IngressInterface, IfIndex);
        values.SetString(InterfaceOptions.InterfaceName, Name);
        return values.SetString(InterfaceOptions.InterfaceDescription, Description);
    }
}
