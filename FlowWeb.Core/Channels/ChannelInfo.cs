namespace FlowWeb.Core.Channels;

/// <summary>
/// One channel of a sensor as the UI lists it. <see cref="Id"/> keys the channel's history and never changes for a
/// given meaning; <see cref="Unit"/> is null for the default (traffic volume); <see cref="Description"/> says what is
/// counted (ports for standard channels, the normalised rule for custom ones).
/// </summary>
public sealed record ChannelInfo(int Id, string Name, string? Unit, string Description);

/// <summary>The standard traffic groups of PRTG's Channel Selection (prtg-sensors.md §1.4).</summary>
public enum StandardChannelGroup
{
    Web,
    FileTransfer,
    Mail,
    Chat,
    RemoteControl,
    Infrastructure,
    NetBios,
    Citrix,
    OtherProtocols,
}

/// <summary>PRTG's per-group choice: account to Other, one channel for the group, or one channel per protocol.</summary>
public enum ChannelGroupMode
{
    No,
    Yes,
    Detail,
}

/// <summary>Fixed ids of the channels every set has. Custom ids are 1 or more, so these never collide with them.</summary>
public static class ChannelIds
{
    public const int Total = -1;
    public const int Other = 0;
}
