using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowWeb.Core.Detection;

/// <summary>A sensor's detection settings as stored in its row: compact JSON, empty when everything is inherited.</summary>
public static class DetectionJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write(SensorDetectionSettings? settings) =>
        settings is null || settings.IsDefault ? "" : JsonSerializer.Serialize(settings, Options);

    /// <summary>The settings, or the defaults for an empty or unreadable column (a hand-edited row must not stop the sensor).</summary>
    public static SensorDetectionSettings Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new SensorDetectionSettings();
        }

        try
        {
            return JsonSerializer.Deserialize<SensorDetectionSettings>(json, Options) ?? new SensorDetectionSettings();
        }
        catch (JsonException)
        {
            return new SensorDetectionSettings();
        }
    }
}
