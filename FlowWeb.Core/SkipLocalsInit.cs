// The collector's per-record methods keep many structs on the stack (a detection record's contribution, flow keys,
// decoded fields); with the C# default every call zeroed them first, 240 bytes in DetectionShard.Add alone, though
// every one is written before it is read. Only stackalloc'd memory is then left as it was: code that needs it
// zeroed clears it (MmdbFlattener.Range, SFlowHeaderWriter.Write).
[module: System.Runtime.CompilerServices.SkipLocalsInit]
