using FlowWeb.Core.Sensors;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Sensor actions that more than one page offers.</summary>
internal static class SensorActions
{
    /// <summary>Asks, then deletes; true when the sensor was deleted.</summary>
    public static async Task<bool> ConfirmDeleteAsync(IDialogService dialogs, SensorService sensors, Guid id, string name)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync("Delete sensor",
            $"Delete the sensor \"{name}\"? Its live data and toplists in memory go with it.",
            yesText: "Delete", cancelText: "Cancel");
        return confirmed == true && await sensors.DeleteSensorAsync(id);
    }
}
