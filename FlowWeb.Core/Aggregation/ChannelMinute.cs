namespace FlowWeb.Core.Aggregation;

/// <summary>
/// One channel of one sensor over one minute, as the live aggregation hands it to history: traffic after
/// sampling scaling, and the highest one-second byte rate seen inside the minute. Traffic that arrives for a
/// minute already handed over comes as a further row for the same minute, to be added to the first.
/// </summary>
public readonly record struct ChannelMinute(
    Guid SensorId,
    int ChannelId,
    DateTimeOffset Minute,
    double Bytes,
    double Packets,
    double Flows,
    double PeakBytesPerSecond);
