using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>A device (null: the sensors without one) and the sensors of it that one page shows.</summary>
public sealed record DeviceGroup(DeviceDefinition? Device, IReadOnlyList<SensorDefinition> Sensors)
{
    /// <summary>Keys the card; a device split over two pages keeps its key on each.</summary>
    public string Key => Device?.Id.ToString() ?? "none";
}

/// <summary>One page of the Devices list: its groups, how many pages there are, which rows it shows of how many.</summary>
public sealed record DevicePage(IReadOnlyList<DeviceGroup> Groups, int Pages, int Page, int FirstRow, int LastRow, int Rows);

/// <summary>
/// Pages the Devices list by rows (a sensor is a row; a device without sensors is one), so that a page renders at
/// most <see cref="RowsPerPage"/> sensor rows with their sparklines whatever the number of sensors; a device with
/// more sensors than fit continues on the next page. A search keeps the devices whose name or address contains it
/// (with all their sensors) and the sensors whose name or a tag contains it (case-insensitive). Devices by name,
/// then the sensors without a device.
/// </summary>
public static class DevicePaging
{
    public const int RowsPerPage = 25;

    public static DevicePage Page(IReadOnlyList<DeviceDefinition> devices, IReadOnlyList<SensorDefinition> sensors, string? search, int page, int rowsPerPage = RowsPerPage)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(sensors);
        var text = search?.Trim() ?? "";
        var known = devices.Select(d => d.Id).ToHashSet();
        var byDevice = sensors.ToLookup(s => s.DeviceId is { } id && known.Contains(id) ? id : (Guid?)null);
        var groups = new List<DeviceGroup>();
        foreach (var device in devices.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase))
        {
            var own = byDevice[device.Id].ToList();
            if (text.Length == 0 || Contains(device.Name, text) || Contains(device.Address, text))
            {
                groups.Add(new DeviceGroup(device, own));
            }
            else if (own.Where(s => Matches(s, text)).ToList() is { Count: > 0 } matching)
            {
                groups.Add(new DeviceGroup(device, matching));
            }
        }

        var loose = byDevice[null].Where(s => text.Length == 0 || Matches(s, text)).ToList();
        if (loose.Count > 0)
        {
            groups.Add(new DeviceGroup(null, loose));
        }

        // Rows in order: each sensor, or the device itself when it has none.
        var rows = groups.SelectMany(g => g.Sensors.Count == 0
            ? [(g.Device, (SensorDefinition?)null)]
            : g.Sensors.Select(s => (g.Device, (SensorDefinition?)s))).ToList();
        var pages = Math.Max(1, (rows.Count + rowsPerPage - 1) / rowsPerPage);
        page = Math.Clamp(page, 0, pages - 1);
        var shown = rows.Skip(page * rowsPerPage).Take(rowsPerPage).ToList();
        var result = new List<DeviceGroup>();
        foreach (var (device, sensor) in shown)
        {
            if (result.Count == 0 || result[^1].Device?.Id != device?.Id)
            {
                result.Add(new DeviceGroup(device, []));
            }

            if (sensor is not null)
            {
                result[^1] = result[^1] with { Sensors = [.. result[^1].Sensors, sensor] };
            }
        }

        return new DevicePage(result, pages, page, shown.Count == 0 ? 0 : (page * rowsPerPage) + 1, (page * rowsPerPage) + shown.Count, rows.Count);
    }

    private static bool Matches(SensorDefinition sensor, string text) =>
        Contains(sensor.Name, text) || sensor.Tags.Any(t => Contains(t, text));

    private static bool Contains(string? value, string text) => value?.Contains(text, StringComparison.OrdinalIgnoreCase) == true;
}
