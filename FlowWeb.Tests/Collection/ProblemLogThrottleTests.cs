using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Collection;

public sealed class ProblemLogThrottleTests
{
    private static readonly FlowAddress RouterA = FlowAddress.Parse("192.0.2.1");
    private static readonly FlowAddress RouterB = FlowAddress.Parse("2001:db8::1");
    private const int TooShort = (int)DecodeStatus.TooShort;
    private const int BadTemplate = (int)DecodeStatus.BadTemplate;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ShouldLog_SameProblemWithinAMinute_OnlyFirstLogged()
    {
        var throttle = new ProblemLogThrottle(_time);

        Assert.True(throttle.ShouldLog(RouterA, TooShort));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(throttle.ShouldLog(RouterA, TooShort));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.ShouldLog(RouterA, TooShort));
    }

    [Fact]
    public void ShouldLog_OtherExporterOrOtherProblem_LoggedIndependently()
    {
        var throttle = new ProblemLogThrottle(_time);

        Assert.True(throttle.ShouldLog(RouterA, TooShort));
        Assert.True(throttle.ShouldLog(RouterA, BadTemplate));
        Assert.True(throttle.ShouldLog(RouterB, TooShort));
        Assert.False(throttle.ShouldLog(RouterB, TooShort));
    }

    [Fact]
    public void ShouldLog_TableFull_NewProblemsSilentUntilOldOnesExpire()
    {
        var throttle = new ProblemLogThrottle(_time, capacity: 2);
        Assert.True(throttle.ShouldLog(RouterA, TooShort));
        Assert.True(throttle.ShouldLog(RouterB, TooShort));

        Assert.False(throttle.ShouldLog(RouterA, BadTemplate));

        _time.Advance(ProblemLogThrottle.Interval);
        Assert.True(throttle.ShouldLog(RouterA, BadTemplate));
    }
}
