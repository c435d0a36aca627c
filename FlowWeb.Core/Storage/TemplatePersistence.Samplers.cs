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

    /// <summary>Replaces the stored sampler tables with <paramref name="tables"/> (a <see cref="FlowDecoder.SamplerTables"/>); returns how many were stored.</summary>
    public async Task<int> SaveSamplersAsync(IReadOnlyCollection<SamplerTable> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            using (var clear = connection.CreateCommand())
            {
                clear.CommandText = "DELETE FROM SamplerTables";
                clear.ExecuteNonQuery();
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO SamplerTables (ExporterAddress, Version, Domain, DomainRate, Samplers, LearnedAtMs)
                VALUES ($address, $version, $domain, $rate, $samplers, $learned)
                """;
            var address = insert.Parameters.Add("$address", SqliteType.Blob);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var domain = insert.Parameters.Add("$domain", SqliteType.Integer);
            var rate = insert.Parameters.Add("$rate", SqliteType.Integer);
            var samplers = insert.Parameters.Add("$samplers", SqliteType.Blob);
            var learned = insert.Parameters.Add("$learned", SqliteType.Integer);
            insert.Prepare();

            foreach (var table in tables)
            {
                address.Value = AddressBytes(table.Exporter);
                version.Value = (int)table.Version;
                domain.Value = (long)table.Domain;
                rate.Value = (long)table.DomainRate;
                samplers.Value = EncodeSamplers(table.Samplers);
                learned.Value = table.LearnedAt.ToUnixTimeMilliseconds();
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            return tables.Count;
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
