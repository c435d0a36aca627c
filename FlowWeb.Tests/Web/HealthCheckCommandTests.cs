using FlowWeb.Cli;

namespace FlowWeb.Tests.Web;

public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/health")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/health")]
    [InlineData("http://*:9000;http://localhost:9001", "http://127.0.0.1:9000/health")]
    [InlineData("http://0.0.0.0:5000", "http://127.0.0.1:5000/health")]
    [InlineData("http://localhost:5000", "http://127.0.0.1:5000/health")]
    [InlineData("http://192.0.2.10:8080", "http://192.0.2.10:8080/health")]
    public void DefaultUrl_AspNetCoreUrls_HealthOnTheFirstUrlViaLoopback(string? urls, string expected)
    {
        Assert.Equal(new Uri(expected), HealthCheckCommand.DefaultUrl(urls));
    }

    [Theory]
    [InlineData(new[] { "healthcheck" }, true)]
    [InlineData(new[] { "HealthCheck", "http://127.0.0.1:1/health" }, true)]
    [InlineData(new[] { "--urls", "http://localhost:5000" }, false)]
    [InlineData(new string[0], false)]
    public void IsCommand_Arguments_OnlyTheHealthcheckVerb(string[] args, bool expected)
    {
        Assert.Equal(expected, CommandLine.IsCommand(args));
    }
}
