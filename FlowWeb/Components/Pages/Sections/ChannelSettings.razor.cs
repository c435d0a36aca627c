using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Writes the channel choices into the form model and reports each change.</summary>
public sealed partial class ChannelSettings
{
    private const string Example = "#1:Web\nProtocol[TCP] and Port[80,443]\n#2:DNS\nPort[53]";

    [Parameter, EditorRequired]
    public SensorFormModel Model { get; set; } = default!;

    /// <summary>Called with the setting's name after it changed.</summary>
    [Parameter]
    public EventCallback<string> OnChanged { get; set; }

    [Parameter, EditorRequired]
    public Func<string, IReadOnlyList<string>> ErrorsOf { get; set; } = default!;

    private SensorDefinition Preview => Model.ToDefinition();

    private async Task SetCustomAsync(bool custom)
    {
        Model.UseCustomChannels = custom;
        await OnChanged.InvokeAsync("CustomChannels");
    }

    private async Task SetGroupAsync(StandardChannelGroup group, ChannelGroupMode mode)
    {
        Model.Groups[group] = mode;
        await OnChanged.InvokeAsync("ChannelGroups");
    }

    private async Task SetDefinitionAsync(string text)
    {
        Model.ChannelDefinition = text ?? "";
        await OnChanged.InvokeAsync("CustomChannels");
    }
}
