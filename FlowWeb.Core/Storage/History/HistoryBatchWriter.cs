using System.Collections.Concurrent;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using Microsoft.Data.Sqlite;

namespace FlowWeb.Core.Storage.History;

/// <summary>
/// Writes history rows with prepared Microsoft.Data.Sqlite commands inside one transaction: minute rows are
/// upserted with add semantics (a late row for a minute adds to it; the peak is the larger one), and the hour and
/// day rollups are summed in memory over the batch and upserted the same way, so they always equal the sum of
/// their minutes. Not thread-safe: one per batch.
/// </summary>
internal sealed class HistoryBatchWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly ConcurrentDictionary<Guid, long> _sensorKeys;
    private readonly Dictionary<Guid, long> _newKeys = [];
    private readonly Dictionary<(long Sensor, int Channel, long Bucket), Bucket> _hours = [];
    private readonly Dictionary<(long Sensor, int Channel, long Bucket), Bucket> _days = [];
    private readonly BucketUpsert _minuteUpsert;
    private readonly BucketUpsert _hourUpsert;
    private readonly BucketUpsert _dayUpsert;
    private SqliteCommand? _keyInsert;
    private SqliteCommand? _periodInsert;
    private SqliteCommand? _entryInsert;
    private SqliteCommand? _journalClaim;
    private bool _committed;

    public HistoryBatchWriter(SqliteConnection connection, ConcurrentDictionary<Guid, long> sensorKeys)
    {
        _connection = connection;
        _sensorKeys = sensorKeys;
        _transaction = connection.BeginTransaction();
        _minuteUpsert = new BucketUpsert(connection, _transaction, FlowWebDbContext.ChannelMinutesTable);
        _hourUpsert = new BucketUpsert(connection, _transaction, FlowWebDbContext.ChannelHoursTable);
        _dayUpsert = new BucketUpsert(connection, _transaction, FlowWebDbContext.ChannelDaysTable);
    }

    public long MinuteRows { get; private set; }

    public long ToplistPeriods { get; private set; }

    /// <summary>Adds minute rows (and, through <see cref="Commit"/>, their hour and day rollups).</summary>
    public void AddMinutes(ReadOnlySpan<ChannelMinute> minutes)
    {
        foreach (ref readonly var m in minutes)
        {
            var key = SensorKey(m.SensorId);
            var minute = HistoryBuckets.AlignDown(m.Minute.ToUnixTimeSeconds(), HistoryBuckets.MinuteSeconds);
            _minuteUpsert.Execute(key, m.ChannelId, minute, m.Bytes, m.Packets, m.Flows, m.PeakBytesPerSecond);
            var value = new Bucket(m.Bytes, m.Packets, m.Flows, m.PeakBytesPerSecond);
            Accumulate(_hours, (key, m.ChannelId, HistoryBuckets.AlignDown(minute, HistoryBuckets.HourSeconds)), value);
            Accumulate(_days, (key, m.ChannelId, HistoryBuckets.AlignDown(minute, HistoryBuckets.DaySeconds)), value);
            MinuteRows++;
        }
    }

    /// <summary>Adds rows straight into the hour table (and the day rollup), for the benchmark's and imports' old history that has no minutes.</summary>
    public void AddHours(ReadOnlySpan<ChannelMinute> hours)
    {
        foreach (ref readonly var h in hours)
        {
            var key = SensorKey(h.SensorId);
            var hour = HistoryBuckets.AlignDown(h.Minute.ToUnixTimeSeconds(), HistoryBuckets.HourSeconds);
            var value = new Bucket(h.Bytes, h.Packets, h.Flows, h.PeakBytesPerSecond);
            Accumulate(_hours, (key, h.ChannelId, hour), value);
            Accumulate(_days, (key, h.ChannelId, HistoryBuckets.AlignDown(hour, HistoryBuckets.DaySeconds)), value);
        }
    }

    public void AddToplist(Guid sensorId, int toplistId, ToplistPeriodResult period, IReadOnlyList<HostNamePair>? hostNames = null)
    {
        var key = SensorKey(sensorId);
        _periodInsert ??= Prepare("""
            INSERT INTO ToplistPeriods (SensorKey, ToplistId, PeriodStart, PeriodEnd, TotalBytes, TotalPackets, TotalFlows, Approximate, ErrorBound, DistinctKeys, EntryCount)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10) RETURNING Id
            """, 11);
        _entryInsert ??= Prepare("""
            INSERT INTO ToplistEntries (PeriodId, Rank, AHigh, ALow, BHigh, BLow, Port1, Port2, Protocol, Number1, Number2, Bytes, Packets, Flows, ErrorBytes, HostName, HostNameB, OwnerA, OwnerB)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, $p14, $p15, $p16, $p17, $p18)
            """, 19);

        var p = _periodInsert.Parameters;
        p[0].Value = key;
        p[1].Value = toplistId;
        // The span counted, not the scheduled one: a period a restart cut is stored as what it covers (partial).
        p[2].Value = period.CoveredFrom.ToUnixTimeSeconds();
        p[3].Value = period.CoveredTo.ToUnixTimeSeconds();
        p[4].Value = period.TotalBytes;
        p[5].Value = period.TotalPackets;
        p[6].Value = period.TotalFlows;
        p[7].Value = period.Approximate ? 1 : 0;
        p[8].Value = period.ErrorBound;
        p[9].Value = period.DistinctKeys;
        p[10].Value = period.Rows.Count;
        var periodId = (long)_periodInsert.ExecuteScalar()!;

        var e = _entryInsert.Parameters;
        for (var rank = 0; rank < period.Rows.Count; rank++)
        {
            var row = period.Rows[rank];
            var k = row.Key;
            e[0].Value = periodId;
            e[1].Value = rank;
            e[2].Value = unchecked((long)k.A.High);
            e[3].Value = unchecked((long)k.A.Low);
            e[4].Value = unchecked((long)k.B.High);
            e[5].Value = unchecked((long)k.B.Low);
            e[6].Value = (int)k.Port1;
            e[7].Value = (int)k.Port2;
            e[8].Value = (int)k.Protocol;
            e[9].Value = (long)k.Number1;
            e[10].Value = (long)k.Number2;
            e[11].Value = row.Bytes;
            e[12].Value = row.Packets;
            e[13].Value = row.Flows;
            e[14].Value = row.ErrorBytes;
            var names = hostNames is not null && rank < hostNames.Count ? hostNames[rank] : default;
            e[15].Value = (object?)names.A ?? DBNull.Value;
            e[16].Value = (object?)names.B ?? DBNull.Value;
            e[17].Value = names.OwnersRecorded ? Enrichment.AddressOwner.Store(names.OwnerA) : DBNull.Value;
            e[18].Value = names.OwnersRecorded ? Enrichment.AddressOwner.Store(names.OwnerB) : DBNull.Value;
            _entryInsert.ExecuteNonQuery();
        }

        ToplistPeriods++;
    }

    /// <summary>
    /// Records that the journal item <paramref name="sequence"/> is written by this transaction; false when an earlier
    /// one already did (a run that died between its commit and the deletion of the file), so the caller skips it.
    /// </summary>
    public bool ClaimJournal(long sequence)
    {
        _journalClaim ??= Prepare($"INSERT INTO {FlowWebDbContext.HistoryJournalTable} (Sequence) VALUES ($p0) ON CONFLICT (Sequence) DO NOTHING", 1);
        _journalClaim.Parameters[0].Value = sequence;
        return _journalClaim.ExecuteNonQuery() == 1;
    }

    /// <summary>Drops the record of items whose journal files are gone (they can never be read again).</summary>
    public void ForgetJournal(IReadOnlyCollection<long> sequences)
    {
        if (sequences.Count == 0)
        {
            return;
        }

        using var command = Prepare($"DELETE FROM {FlowWebDbContext.HistoryJournalTable} WHERE Sequence = $p0", 1);
        foreach (var sequence in sequences)
        {
            command.Parameters[0].Value = sequence;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Writes the rollups, commits, and only then remembers the sensor keys created in this batch.</summary>
    public void Commit()
    {
        foreach (var ((sensor, channel, bucket), v) in _hours)
        {
            _hourUpsert.Execute(sensor, channel, bucket, v.Bytes, v.Packets, v.Flows, v.Peak);
        }

        foreach (var ((sensor, channel, bucket), v) in _days)
        {
            _dayUpsert.Execute(sensor, channel, bucket, v.Bytes, v.Packets, v.Flows, v.Peak);
        }

        _transaction.Commit();
        _committed = true;
        foreach (var (id, key) in _newKeys)
        {
            _sensorKeys[id] = key;
        }
    }

    public void Dispose()
    {
        if (!_committed)
        {
            _transaction.Rollback();
        }

        _minuteUpsert.Dispose();
        _hourUpsert.Dispose();
        _dayUpsert.Dispose();
        _keyInsert?.Dispose();
        _periodInsert?.Dispose();
        _entryInsert?.Dispose();
        _journalClaim?.Dispose();
        _transaction.Dispose();
    }

    private long SensorKey(Guid sensorId)
    {
        if (_sensorKeys.TryGetValue(sensorId, out var key) || _newKeys.TryGetValue(sensorId, out key))
        {
            return key;
        }

        // The id is written as EF Core writes a Guid (upper-case text), so EF queries find it.
        _keyInsert ??= Prepare("""
            INSERT INTO HistorySensors (SensorId) VALUES ($p0) ON CONFLICT (SensorId) DO NOTHING;
            SELECT Id FROM HistorySensors WHERE SensorId = $p0
            """, 1);
        _keyInsert.Parameters[0].Value = sensorId.ToString("D").ToUpperInvariant();
        key = (long)_keyInsert.ExecuteScalar()!;
        _newKeys[sensorId] = key;
        return key;
    }

    private SqliteCommand Prepare(string sql, int parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        return command;
    }

    private static void Accumulate(Dictionary<(long, int, long), Bucket> buckets, (long, int, long) key, Bucket value) =>
        buckets[key] = buckets.TryGetValue(key, out var sum)
            ? new Bucket(sum.Bytes + value.Bytes, sum.Packets + value.Packets, sum.Flows + value.Flows, Math.Max(sum.Peak, value.Peak))
            : value;

    private readonly record struct Bucket(double Bytes, double Packets, double Flows, double Peak);

    /// <summary>INSERT ... ON CONFLICT DO UPDATE with add semantics for one of the three channel tables.</summary>
    private sealed class BucketUpsert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _sensor;
        private readonly SqliteParameter _channel;
        private readonly SqliteParameter _bucket;
        private readonly SqliteParameter _bytes;
        private readonly SqliteParameter _packets;
        private readonly SqliteParameter _flows;
        private readonly SqliteParameter _peak;

        public BucketUpsert(SqliteConnection connection, SqliteTransaction transaction, string table)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = $"""
                INSERT INTO {table} (SensorKey, ChannelId, BucketStart, Bytes, Packets, Flows, PeakBytesPerSecond)
                VALUES ($sensor, $channel, $bucket, $bytes, $packets, $flows, $peak)
                ON CONFLICT (SensorKey, ChannelId, BucketStart) DO UPDATE SET
                    Bytes = Bytes + excluded.Bytes,
                    Packets = Packets + excluded.Packets,
                    Flows = Flows + excluded.Flows,
                    PeakBytesPerSecond = max(PeakBytesPerSecond, excluded.PeakBytesPerSecond)
                """;
            _sensor = _command.Parameters.Add("$sensor", SqliteType.Integer);
            _channel = _command.Parameters.Add("$channel", SqliteType.Integer);
            _bucket = _command.Parameters.Add("$bucket", SqliteType.Integer);
            _bytes = _command.Parameters.Add("$bytes", SqliteType.Real);
            _packets = _command.Parameters.Add("$packets", SqliteType.Real);
            _flows = _command.Parameters.Add("$flows", SqliteType.Real);
            _peak = _command.Parameters.Add("$peak", SqliteType.Real);
        }

        public void Execute(long sensor, int channel, long bucket, double bytes, double packets, double flows, double peak)
        {
            _sensor.Value = sensor;
            _channel.Value = channel;
            _bucket.Value = bucket;
            _bytes.Value = bytes;
            _packets.Value = packets;
            _flows.Value = flows;
            _peak.Value = peak;
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
