using FlowWeb.Core.Decoding;

namespace FlowWeb.Tests.Decoding;

/// <summary>Loss accounting from sequence numbers (protocols.md §4.4).</summary>
public sealed class SequenceTrackerTests
{
    private const long T = 1_700_000_000_000;

    [Fact]
    public void Observe_ContiguousPackets_NoLoss()
    {
        var s = new SequenceTracker(1_000_000);
        Assert.Equal(0, s.Observe(100, 10, T));
        Assert.Equal(0, s.Observe(110, 5, T));
        Assert.Equal(0, s.Observe(115, 30, T + 1000));
        Assert.Equal((0L, 0L, 0L), (s.Lost, s.Reordered, s.Resets));
    }

    [Fact]
    public void Observe_Gap_CountsTheMissingUnits()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(100, 10, T);
        Assert.Equal(5, s.Observe(115, 5, T));
        Assert.Equal(0, s.Observe(120, 1, T));
        Assert.Equal(5, s.Lost);
    }

    [Fact]
    public void Observe_Across32BitWrap_IsContiguousAndGapsAreModular()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(0xFFFF_FFF0, 0x20, T);
        Assert.Equal(0, s.Observe(0x10, 1, T));
        Assert.Equal(4, s.Observe(0x15, 1, T));
        Assert.Equal((4L, 0L), (s.Lost, s.Resets));
    }

    [Fact]
    public void Observe_LatePacket_GivesBackWhatItsGapCountedLost()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(1, 1, T);
        Assert.Equal(1, s.Observe(3, 1, T));
        Assert.Equal(-1, s.Observe(2, 1, T));
        Assert.Equal(0, s.Observe(4, 1, T));
        Assert.Equal((0L, 1L), (s.Lost, s.Reordered));
    }

    [Fact]
    public void Observe_Duplicate_IsReorderingNotLoss()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(5, 1, T);
        Assert.Equal(0, s.Observe(5, 1, T));
        Assert.Equal(0, s.Observe(6, 1, T));
        Assert.Equal((0L, 1L), (s.Lost, s.Reordered));
    }

    [Fact]
    public void Observe_JumpBeyondThreshold_IsARestartEitherWay()
    {
        var s = new SequenceTracker(1000);
        s.Observe(50_000, 1, T);
        Assert.Equal(0, s.Observe(1_000_000, 1, T));
        Assert.Equal(0, s.Observe(3, 1, T));
        Assert.Equal(0, s.Observe(4, 1, T));
        Assert.Equal((0L, 2L), (s.Lost, s.Resets));
    }

    [Fact]
    public void Observe_NumberBackWhileClockForward_IsACounterReset()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(31826, 1, T);
        Assert.Equal(0, s.Observe(31663, 1, T + 38_000));
        Assert.Equal(0, s.Observe(31664, 1, T + 38_000));
        Assert.Equal((0L, 0L, 1L), (s.Lost, s.Reordered, s.Resets));
    }

    [Fact]
    public void Observe_AheadInNumberButStampedEarlier_IsAStragglerNotLoss()
    {
        // EdgeRouter order as received: 31663 @648, 31826 @610, 31664 @648.
        var s = new SequenceTracker(1_000_000);
        s.Observe(31663, 1, T + 38_000);
        Assert.Equal(0, s.Observe(31826, 8, T));
        Assert.Equal(0, s.Observe(31664, 1, T + 38_000));
        Assert.Equal((0L, 1L, 0L), (s.Lost, s.Reordered, s.Resets));
    }

    [Fact]
    public void Observe_UnknownAdvance_ResynchronisesOnTheNextPacket()
    {
        var s = new SequenceTracker(1_000_000);
        s.Observe(10, null, T);
        Assert.Equal(0, s.Observe(50, 3, T));
        Assert.Equal(2, s.Observe(55, 1, T));
        Assert.Equal(2, s.Lost);
    }
}
