using System.Text.Json;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Api;

/// <summary>The OpenAPI document describes the API as it is mapped.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task OpenApiDocument_Served_ListsEveryEndpointWithEnumsAsStrings()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(ApiJson.Url("/openapi/v1.json")));

        var paths = document.RootElement.GetProperty("paths");
        string[] Methods(string path) => [.. paths.GetProperty(path).EnumerateObject().Select(p => p.Name).Where(n => n is "get" or "post" or "put" or "delete").Order(StringComparer.Ordinal)];
        Assert.Equal(["get", "post"], Methods("/api/sensors"));
        Assert.Equal(["delete", "get", "put"], Methods("/api/sensors/{id}"));
        Assert.Equal(["post"], Methods("/api/sensors/{id}/pause"));
        Assert.Equal(["post"], Methods("/api/sensors/{id}/resume"));
        Assert.Equal(["get"], Methods("/api/sensors/{id}/live"));
        Assert.Equal(["get"], Methods("/api/sensors/{id}/series"));
        Assert.Equal(["get"], Methods("/api/sensors/{id}/toplists"));
        Assert.Equal(["get"], Methods("/api/sensors/{id}/toplists/{toplistId}"));
        Assert.Equal(["get", "post"], Methods("/api/devices"));
        Assert.Equal(["delete", "get", "put"], Methods("/api/devices/{id}"));
        Assert.Equal(["get"], Methods("/api/exporters"));
        Assert.Equal(["get"], Methods("/api/exporters/{address}"));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name is "/metrics" or "/health");

        var protocol = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ExpectedProtocol");
        Assert.Contains("NetFlowV9", protocol.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }
}
