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
        Assert.Equal(["get"], Methods("/api/alarms"));
        Assert.Equal(["post"], Methods("/api/alarms/acknowledge"));
        Assert.Equal(["get"], Methods("/api/events"));
        Assert.Equal(["get", "post"], Methods("/api/notifications/channels"));
        Assert.Equal(["delete", "get", "put"], Methods("/api/notifications/channels/{id}"));
        Assert.Equal(["post"], Methods("/api/notifications/channels/{id}/test"));
        Assert.Equal(["get"], Methods("/api/notifications/channels/{id}/deliveries"));
        Assert.Equal(["get", "post"], Methods("/api/notifications/rules"));
        Assert.Equal(["delete", "get", "put"], Methods("/api/notifications/rules/{id}"));
        foreach (var path in new[]
                 {
                     "/api/sensors/{id}/history/channels", "/api/sensors/{id}/history/channels.csv", "/api/devices/{id}/history/channels",
                     "/api/devices/{id}/history/channels.csv", "/api/sensors/{id}/history/toplists/{toplistId}/periods",
                     "/api/sensors/{id}/history/toplists/{toplistId}/periods/{periodId}", "/api/sensors/{id}/history/toplists/{toplistId}/merged",
                     "/api/sensors/{id}/history/toplists/{toplistId}/periods.csv", "/api/sensors/{id}/history/toplists/{toplistId}/merged.csv",
                 })
        {
            Assert.Equal(["get"], Methods(path));
        }

        var csv = paths.GetProperty("/api/sensors/{id}/history/channels.csv").GetProperty("get");
        Assert.True(csv.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/csv", out _), "the CSV export is described as text/csv");
        Assert.Equal(["from", "to", "resolution"], csv.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Where(n => n != "id"));
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name is "/metrics" or "/health");

        var protocol = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ExpectedProtocol");
        Assert.Contains("NetFlowV9", protocol.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }
}
