namespace FlowWeb.Core.Channels;

/// <summary>The No/Yes/Detail choice for each standard group; a new selection has every group at the given mode (Yes by default).</summary>
public sealed class StandardGroupSelection
{
    private readonly ChannelGroupMode[] _modes = new ChannelGroupMode[StandardChannelMap.Groups.Count];

    public StandardGroupSelection(ChannelGroupMode mode = ChannelGroupMode.Yes) => Array.Fill(_modes, mode);

    public ChannelGroupMode this[StandardChannelGroup group]
    {
        get => _modes[Index(group)];
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown channel group mode.");
            }

            _modes[Index(group)] = value;
        }
    }

    /// <summary>Sets one group's mode and returns this selection, for building one in an expression.</summary>
    public StandardGroupSelection With(StandardChannelGroup group, ChannelGroupMode mode)
    {
        this[group] = mode;
        return this;
    }

    private static int Index(StandardChannelGroup group) =>
        (uint)group < (uint)StandardChannelMap.Groups.Count
            ? (int)group
            : throw new ArgumentOutOfRangeException(nameof(group), group, "Unknown standard channel group.");
}
