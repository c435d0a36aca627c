using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Storage;

public sealed partial class TemplatePersistence
{
    private const int SamplerBytes = 12;

    /// <summary>
    /// Makes the store hold <paramref name="tables"/>, writing only what differs (upserts and deletes by exporter, version
    /// and domain); returns how many tables the store then holds.
    /// </summary>
    public async Task<int> SaveSamplersAsync(IReadOnlyCollection<SamplerTable> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var stored = (await LoadSamplersAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(t => (t.Exporter, t.Version, t.Domain));
        var upserts = tables.Where(t => !stored.TryGetValue((t.Exporter, t.Version, t.Domain), out var s) || !SameTable(s, t)).ToList();
        var current = tables.Select(t => (t.Exporter, t.Version, t.Domain)).ToHashSet();
        await ApplySamplerChangesAsync(upserts, [.. stored.Keys.Where(k => !current.Contains(k))], cancellationToken).ConfigureAwait(false);
        return tables.Count;
    }

    /// <summary>Whether two tables hold the same rates and were learned at the same time.</summary>
    public static bool SameTable(SamplerTable a, SamplerTable b) =>
        a is not null && b is not null && a.DomainRate == b.DomainRate && a.LearnedAt == b.LearnedAt && a.Samplers.Count == b.Samplers.Count &&
        a.Samplers.All(p => b.Samplers.TryGetValue(p.Key, out var rate) && rate == p.Value);

    /// <summary>Upserts and deletes sampler table rows by key in one transaction; returns the bytes of the rows written (an estimate).</summary>
    public async Task<long> ApplySamplerChangesAsync(IReadOnlyCollection<SamplerTable> upserts,
        IReadOnlyCollection<(FlowAddress Exporter, byte Version, uint Domain)> deletes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        if (upserts.Count == 0 && deletes.Count == 0)
        {
            return 0;
        }

        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            long written = 0;
            using (var delete = connection.CreateCommand())
            {
                delete.CommandText = "DELETE FROM SamplerTables WHERE ExporterAddress = $address AND Version = $version AND Domain = $domain";
                var dAddress = delete.Parameters.Add("$address", SqliteType.Blob);
                var dVersion = delete.Parameters.Add("$version", SqliteType.Integer);
                var dDomain = delete.Parameters.Add("$domain", SqliteType.Integer);
                foreach (var (exporter, v, d) in deletes)
                {
                    dAddress.Value = AddressBytes(exporter);
                    dVersion.Value = (int)v;
                    dDomain.Value = (long)d;
                    delete.ExecuteNonQuery();
                    written += 28;
                }
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO SamplerTables (ExporterAddress, Version, Domain, DomainRate, Samplers, LearnedAtMs)
                VALUES ($address, $version, $domain, $rate, $samplers, $learned)
                ON CONFLICT (ExporterAddress, Version, Domain) DO UPDATE SET
                    DomainRate = excluded.DomainRate, Samplers = excluded.Samplers, LearnedAtMs = excluded.LearnedAtMs
                """;
            var address = insert.Parameters.Add("$address", SqliteType.Blob);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var domain = insert.Parameters.Add("$domain", SqliteType.Integer);
            var rate = insert.Parameters.Add("$rate", SqliteType.Integer);
            var samplers = insert.Parameters.Add("$samplers", SqliteType.Blob);
            var learned = insert.Parameters.Add("$learned", SqliteType.Integer);
            insert.Prepare();

            foreach (var table in upserts)
            {
                address.Value = AddressBytes(table.Exporter);
                version.Value = (int)table.Version;
                domain.Value = (long)table.Domain;
                rate.Value = (long)table.DomainRate;
                samplers.Value = EncodeSamplers(table.Samplers);
                learned.Value = table.LearnedAt.ToUnixTimeMilliseconds();
                insert.ExecuteNonQuery();
                written += 40 + (table.Samplers.Count * SamplerBytes);
            }

            transaction.Commit();
            return written;
        }
    }

    /// <summary>The stored sampler tables; rows that do not make a valid table are skipped.</summary>
    public async Task<IReadOnlyList<SamplerTable>> LoadSamplersAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.SamplerTables.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(ToTable).OfType<SamplerTable>()];
        }
    }

    /// <summary>Loads the stored sampler tables into <paramref name="decoder"/>; returns how many it took.</summary>
    public async Task<int> RestoreSamplersAsync(FlowDecoder decoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return decoder.RestoreSamplerTables(await LoadSamplersAsync(cancellationToken).ConfigureAwait(false));
    }

    private static byte[] EncodeSamplers(IReadOnlyDictionary<ulong, uint> samplers)
    {
        var bytes = new byte[samplers.Count * SamplerBytes];
        var offset = 0;
        foreach (var (id, rate) in samplers)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), id);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 8), rate);
            offset += SamplerBytes;
        }

        return bytes;
    }

    private static SamplerTable? ToTable(SamplerTableRow row)
    {
        if (row.ExporterAddress.Length != 16 || row.Samplers.Length % SamplerBytes != 0 ||
            row.Version is < 0 or > byte.MaxValue || row.Domain is < 0 or > uint.MaxValue || row.DomainRate is < 0 or > uint.MaxValue)
        {
            return null;
        }

        var samplers = new Dictionary<ulong, uint>(row.Samplers.Length / SamplerBytes);
        for (var offset = 0; offset < row.Samplers.Length; offset += SamplerBytes)
        {
            samplers[BinaryPrimitives.ReadUInt64BigEndian(row.Samplers.AsSpan(offset))] = BinaryPrimitives.ReadUInt32BigEndian(row.Samplers.AsSpan(offset + 8));
        }

        return new SamplerTable(FlowAddress.FromIPv6(row.ExporterAddress), (byte)row.Version, (uint)row.Domain, (uint)row.DomainRate,
            samplers, DateTimeOffset.FromUnixTimeMilliseconds(row.LearnedAtMs));
    }
}
