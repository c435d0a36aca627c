using System.Globalization;
using Bunit;
using FlowWeb.Components.Pages;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace FlowWeb.Tests.Ui;

/// <summary>The add-sensor form against the real validator: every problem named at its setting, nothing saved while anything is wrong.</summary>
public sealed class SensorFormTests : UiTests
{
    // Only ever a wait-until limit: long, so that a loaded machine (a starved thread pool delays the renderer) cannot fail it.
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(30);

    /// <summary>Longer than the name field's 300 ms debounce: a person stops typing before clicking Save.</summary>
    private static readonly TimeSpan TypingPause = TimeSpan.FromMilliseconds(600);
    [Fact]
    public void SensorForm_BadIncludeFilter_ShowsPositionErrorAndDoesNotSave()
    {
        var form = Ui.Context.Render<SensorEdit>();
        form.Find("#sensor-name").Input("Office");

        form.Find("#sensor-include-filter").Input("SourceIP[10.0.0.300]");

        form.WaitForAssertion(() => Assert.Contains("position 17: octet 300 is out of range (0-255)",
            form.Find("[data-error-for=IncludeFilter]").TextContent, StringComparison.Ordinal), Debounce);
        Assert.Contains("SourceIP[10.0.0.300]\n" + new string(' ', 16) + "^", form.Find(".filter-caret").TextContent, StringComparison.Ordinal);

        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() => Assert.Contains("Not saved", form.Find(".form-summary").TextContent, StringComparison.Ordinal), Debounce);
        Assert.Equal(0, Ui.Store.SensorSaves);
        Assert.DoesNotContain("/sensors/", Ui.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void SensorForm_PortOutOfRange_ShowsPortErrorOnceTouched()
    {
        var form = Ui.Context.Render<SensorEdit>();
        Assert.Empty(form.FindAll("[data-error-for=Port]"));

        form.Find("#sensor-port").Change("70000");

        form.WaitForAssertion(() => Assert.Equal("must be 1 to 65535", form.Find("[data-error-for=Port]").TextContent.Trim()), Debounce);
        Assert.Contains("field-invalid", form.Find("#sensor-port").Closest(".mud-grid-item")!.ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void SensorForm_SeveralProblems_AllShownAtTheirSettingsAfterSave()
    {
        var form = Ui.Context.Render<SensorEdit>();
        form.Find("#sensor-port").Change("0");
        form.Find("#sensor-sender").Change("router.local");
        form.Find("#sensor-timeout").Change("61");
        form.Find("#sensor-exclude-filter").Input("Protocol[TCP] and Port[80");

        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() =>
        {
            Assert.Equal("a name is required", form.Find("[data-error-for=Name]").TextContent.Trim());
            Assert.Equal("must be 1 to 65535", form.Find("[data-error-for=Port]").TextContent.Trim());
            Assert.Contains("'router.local' is not an IP address", form.Find("[data-error-for=SenderIp]").TextContent, StringComparison.Ordinal);
            Assert.Equal("must be 0 to 60 minutes", form.Find("[data-error-for=ActiveFlowTimeoutMinutes]").TextContent.Trim());
            Assert.Contains("position 23: missing ']' to close Port[", form.Find("[data-error-for=ExcludeFilter]").TextContent, StringComparison.Ordinal);
            Assert.Contains("5 problems", form.Find(".form-summary").TextContent, StringComparison.Ordinal);
        }, Debounce);
        Assert.Equal(0, Ui.Store.SensorSaves);
    }

    [Fact]
    public void SensorForm_TooManyTagsAndACostlyFilter_ShowsEachLimitAtItsSettingAndDoesNotSave()
    {
        var form = Ui.Context.Render<SensorEdit>();
        form.Find("#sensor-name").Input("Office");
        form.Find("#sensor-tags").Change(string.Join(", ", Enumerable.Range(1, 21).Select(i => $"t{i}")));
        form.Find("#sensor-include-filter").Input(string.Join(" and ", Enumerable.Range(1, 501).Select(i => $"Port[{i}-65535]")));

        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() =>
        {
            Assert.Equal("21 tags, at most 20 (Limits:MaxTagsPerSensor)", form.Find("[data-error-for=Tags]").TextContent.Trim());
            Assert.Contains("position 1: the rule can take 1,002 comparisons per flow, more than the budget of 1,000 (Limits:MaxFilterCost)",
                form.Find("[data-error-for=IncludeFilter]").TextContent, StringComparison.Ordinal);
        }, Debounce);
        Assert.Equal(0, Ui.Store.SensorSaves);
    }

    [Fact]
    public async Task SensorForm_ValidSettings_SavesAndOpensTheSensorPage()
    {
        var port = LoopbackPorts.FreeUdp();
        var form = Ui.Context.Render<SensorEdit>();
        form.Find("#sensor-name").Input("Office router traffic");
        form.Find("#sensor-port").Change(port.ToString(CultureInfo.InvariantCulture));
        form.Find("#sensor-sender").Change("192.0.2.1");
        await Task.Delay(TypingPause);
        Assert.Empty(form.FindAll("[data-error-for]"));

        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() => Assert.Equal(1, Ui.Store.SensorSaves), Debounce);
        var sensor = Assert.Single(await Ui.Store.GetSensorsAsync());
        Assert.Equal(("Office router traffic", port, "192.0.2.1"), (sensor.Name, sensor.Port, sensor.SenderIp));
        Assert.Equal(6, sensor.Toplists.Count);
        Assert.EndsWith($"/sensors/{sensor.Id}", Ui.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditSensor_Renamed_SavedUnderTheSameIdAndOpened()
    {
        var sensor = await SaveSensorAsync("Edge");
        var form = Ui.Context.Render<SensorEdit>(p => p.Add(f => f.Id, sensor.Id));
        Assert.Equal("Edit Edge", form.Find("h1").TextContent.Trim());
        Assert.Equal("192.0.2.1", form.Find("#sensor-sender").GetAttribute("value"));

        form.Find("#sensor-name").Input("Edge router");
        await Task.Delay(TypingPause);
        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() => Assert.Equal(2, Ui.Store.SensorSaves), Debounce);
        Assert.Equal("Edge router", Assert.Single(await Ui.Store.GetSensorsAsync()).Name);
        Assert.Equal(sensor.Id, (await Ui.Store.GetSensorsAsync())[0].Id);
        Assert.EndsWith($"/sensors/{sensor.Id}", Ui.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditSensor_DeletedWhileTheFormWasOpen_SaveDoesNotBringItBack()
    {
        var sensor = await SaveSensorAsync("Ghost");
        var form = Ui.Context.Render<SensorEdit>(p => p.Add(f => f.Id, sensor.Id));
        Assert.True(await Ui.Context.Services.GetRequiredService<SensorService>().DeleteSensorAsync(sensor.Id));

        form.Find("#sensor-name").Input("Ghost renamed");
        await Task.Delay(TypingPause);
        form.Find(".save-sensor-button").Click();

        form.WaitForAssertion(() => Assert.Contains("was deleted meanwhile", Ui.Context.Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(b => b.Message).FirstOrDefault() ?? "", StringComparison.Ordinal), Debounce);
        Assert.Empty(await Ui.Store.GetSensorsAsync());
        Assert.Equal(1, Ui.Store.SensorSaves);
    }

    [Fact]
    public async Task EditSensor_DeleteConfirmed_SensorGoneAndBackToDevices()
    {
        var sensor = await SaveSensorAsync("Doomed");
        var form = Ui.Context.Render<SensorEdit>(p => p.Add(f => f.Id, sensor.Id));

        form.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();
        var dialog = Ui.Dialogs.WaitForElement(".mud-dialog", Debounce);
        Assert.Contains("Delete the sensor \"Doomed\"?", dialog.TextContent, StringComparison.Ordinal);
        Ui.Dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        form.WaitForAssertion(() => Assert.EndsWith("/", Ui.Context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal), Debounce);
        Assert.Empty(await Ui.Store.GetSensorsAsync());
        Assert.Equal(Ui.Context.Services.GetRequiredService<NavigationManager>().BaseUri, Ui.Context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    private async Task<SensorDefinition> SaveSensorAsync(string name)
    {
        var sensor = new SensorDefinition { Name = name, Port = LoopbackPorts.FreeUdp(), SenderIp = "192.0.2.1" };
        var result = await Ui.Context.Services.GetRequiredService<SensorService>().SaveSensorAsync(sensor);
        Assert.True(result.Saved, string.Join("; ", result.Errors));
        return sensor;
    }

    [Fact]
    public void SensorForm_FromDiscoveredExporter_PrefilledWithSenderPortAndProtocol()
    {
        var navigation = Ui.Context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("sensors/new?sender=192.0.2.7&port=4739&protocol=Ipfix");

        var form = Ui.Context.Render<SensorEdit>();

        Assert.Equal("192.0.2.7 traffic", form.Find("#sensor-name").GetAttribute("value"));
        Assert.Equal("192.0.2.7", form.Find("#sensor-sender").GetAttribute("value"));
        Assert.Equal("4739", form.Find("#sensor-port").GetAttribute("value"));
        Assert.Contains("IPFIX", form.Markup, StringComparison.Ordinal);
    }
}
