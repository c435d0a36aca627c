using FlowWeb.Core.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowWeb.Tests.Dns;

public sealed class ReverseDnsOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        var options = new ReverseDnsOptions();

        Assert.Empty(options.Validate());
        Assert.Equal((true, 16, 50, 100_000, true), (options.Enabled, options.MaxInFlight, options.MaxQueriesPerSecond, options.MaxEntries, options.ResolvePrivateAddresses));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), TimeSpan.FromHours(24), TimeSpan.FromMinutes(5)),
            (options.QueryTimeout, options.PositiveTtlMin, options.PositiveTtlMax, options.NegativeTtl));
        Assert.Empty(options.Servers);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEachProblemNamingItsKey()
    {
        var options = new ReverseDnsOptions
        {
            Servers = { "192.0.2.1:53", "dns.example", "[2001:db8::1]:5353", "10.0.0.1:99999" },
            QueryTimeout = TimeSpan.Zero,
            MaxInFlight = 0,
            MaxQueriesPerSecond = 0,
            MaxQueuedRequests = 0,
            PositiveTtlMin = TimeSpan.FromHours(2),
            PositiveTtlMax = TimeSpan.FromHours(1),
            NegativeTtl = TimeSpan.Zero,
            MaxEntries = 0,
        };

        var errors = options.Validate().ToList();

        string[] keys =
        [
            "ReverseDns:Servers:1 ", "ReverseDns:Servers:3 ", "ReverseDns:QueryTimeout ", "ReverseDns:MaxInFlight ",
            "ReverseDns:MaxQueriesPerSecond ", "ReverseDns:MaxQueuedRequests ", "ReverseDns:PositiveTtlMax ",
            "ReverseDns:NegativeTtl ", "ReverseDns:MaxEntries ",
        ];
        Assert.Equal(keys.Length, errors.Count);
        Assert.All(keys, key => Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1:53")]
    [InlineData(" 192.0.2.1:5353 ", "192.0.2.1:5353")]
    [InlineData("2001:db8::1", "[2001:db8::1]:53")]
    [InlineData("[2001:db8::1]:5353", "[2001:db8::1]:5353")]
    public void TryParseServer_IPWithOptionalPort_DefaultsToPort53(string text, string expected)
    {
        Assert.True(ReverseDnsOptions.TryParseServer(text, out var endpoint));
        Assert.Equal(expected, endpoint.ToString());
    }

    [Fact]
    public void AddReverseDns_InvalidSection_StartupReportsEveryError()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseDns:Servers:0"] = "not-an-address",
            ["ReverseDns:MaxInFlight"] = "0",
            ["ReverseDns:NegativeTtl"] = "00:00:00",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddReverseDns(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ReverseDnsOptions>>().Value);

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("ReverseDns:Servers:0 ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ReverseDns:MaxInFlight ", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ReverseDns:NegativeTtl ", StringComparison.Ordinal));
    }

    [Fact]
    public void AddReverseDns_Section_BindsEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseDns:Enabled"] = "false",
            ["ReverseDns:Servers:0"] = "192.0.2.53",
            ["ReverseDns:Servers:1"] = "[2001:db8::53]:5353",
            ["ReverseDns:QueryTimeout"] = "00:00:01",
            ["ReverseDns:MaxInFlight"] = "8",
            ["ReverseDns:MaxQueriesPerSecond"] = "20",
            ["ReverseDns:MaxQueuedRequests"] = "100",
            ["ReverseDns:PositiveTtlMin"] = "00:01:00",
            ["ReverseDns:PositiveTtlMax"] = "02:00:00",
            ["ReverseDns:NegativeTtl"] = "00:10:00",
            ["ReverseDns:MaxEntries"] = "500",
            ["ReverseDns:ResolvePrivateAddresses"] = "false",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddReverseDns(configuration).BuildServiceProvider();

        var o = services.GetRequiredService<IOptions<ReverseDnsOptions>>().Value;

        Assert.Equal(["192.0.2.53", "[2001:db8::53]:5353"], o.Servers);
        Assert.Equal((false, TimeSpan.FromSeconds(1), 8, 20, 100, 500, false), (o.Enabled, o.QueryTimeout, o.MaxInFlight, o.MaxQueriesPerSecond, o.MaxQueuedRequests, o.MaxEntries, o.ResolvePrivateAddresses));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromHours(2), TimeSpan.FromMinutes(10)), (o.PositiveTtlMin, o.PositiveTtlMax, o.NegativeTtl));
        Assert.False(services.GetRequiredService<ReverseDnsResolver>().IsEnabled);
    }
}
