namespace FlowWeb.Core.Decoding;

/// <summary>What one call to <see cref="FlowDecoder.Decode"/> did with one datagram.</summary>
/// <param name="Status">Ok, or the first problem met; records decoded before it are still in the batch.</param>
/// <param name="Version">Version field of the datagram (0 when too short to tell).</param>
/// <param name="Records">Data records added to the batch, including records released from the hold.</param>
/// <param name="OptionsRecords">Options data records decoded (added to the batch only when it asks for them).</param>
/// <param name="TemplatesLearned">Templates added, refreshed or replaced.</param>
/// <param name="SetsHeld">Data sets held because their template is not known yet.</param>
/// <param name="RecordsFromPending">Of <paramref name="Records"/>, those that had been held and were released by a template in this datagram.</param>
public readonly record struct DecodeResult(
    DecodeStatus Status,
    byte Version,
    int Records,
    int OptionsRecords = 0,
    int TemplatesLearned = 0,
    int SetsHeld = 0,
    int RecordsFromPending = 0);
