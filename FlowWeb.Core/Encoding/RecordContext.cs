namespace FlowWeb.Core.Encoding;

/// <summary>
/// What a record's time elements are relative to: the exporter's boot time (flowStart/EndSysUpTime 22/21 and
/// systemInitTimeMilliseconds 160) and the export time of the message (flowStart/EndDeltaMicroseconds 158/159),
/// in whole seconds as the header carries it.
/// </summary>
internal readonly record struct RecordContext(long BootTimeMs, long ExportMs);
