namespace FlowWeb.Cli;

internal static class DecodeWorkloads
{
    public static IEnumerable<DecodeWorkload> All()
    {
        var dir = Environment.GetEnvironmentVariable("FLOWWEB_CAPTURES") ?? "FlowWeb.Tests/TestData/captures/logstash-codec-netflow";
        yield return new DecodeWorkload("v5 (MikroTik capture)", [], [File.ReadAllBytes(Path.Combine(dir, "netflow5_test_microtik.dat"))]);
        yield return new DecodeWorkload("IPFIX (MikroTik 6 capture, 258)", [File.ReadAllBytes(Path.Combine(dir, "ipfix_test_mikrotik_tpl.dat"))],
            [File.ReadAllBytes(Path.Combine(dir, "ipfix_test_mikrotik_data258.dat"))]);
    }
}
