using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FlowWeb.Core.Storage;

/// <summary>An exporter as last saved: address, version, first and last seen, and its counters at that time.</summary>
public sealed record ExporterSeenRecord(
    FlowAddress Address,
    int Version,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Datagrams,
    long Flows,
    long Octets,
    long Packets,
    long DecodeErrors,
    long LostFlowsEstimate);

/// <summary>
/// Keeps the decoder's learned v9/IPFIX templates across restarts, so data that an exporter sends right after a
/// restart decodes without waiting up to 30 minutes for the next template refresh; also keeps the list of exporters
/// seen, and the exporters' sampler tables (<c>TemplatePersistence.Samplers.cs</c>).
/// </summary>
public sealed partial class TemplatePersistence(SqliteConnectionFactory connections, IDbContextFactory<FlowWebDbContext> contexts)
{
    private const int FieldBytes = 8;

    /// <summary>
    /// Makes the store hold <paramref name="snapshot"/>, writing only what differs: rows of new or changed templates are
    /// upserted and rows of templates no longer in the snapshot deleted, each by key (never "delete all, insert all").
    /// Returns the number of templates in the snapshot.
    /// </summary>
    public async Task<int> SaveAsync(IReadOnlyCollection<TemplateEntry> snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var stored = (await LoadAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Key);
        var upserts = snapshot.Where(e => !stored.TryGetValue(e.Key, out var s) || s.LearnedAt != e.LearnedAt || s.RefreshedAt != e.RefreshedAt).ToList();
        var current = snapshot.Select(e => e.Key).ToHashSet();
        await ApplyTemplateChangesAsync(upserts, [.. stored.Keys.Where(k => !current.Contains(k))], cancellationToken).ConfigureAwait(false);
        return snapshot.Count;
    }

    /// <summary>Upserts and deletes template rows by key in one transaction; returns the bytes of the rows written (an estimate of the payload).</summary>
    public async Task<long> ApplyTemplateChangesAsync(IReadOnlyCollection<TemplateEntry> upserts, IReadOnlyCollection<TemplateKey> deletes, CancellationToken cancellationToken = default)
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
            if (deletes.Count > 0)
            {
                using var delete = connection.CreateCommand();
                delete.CommandText = "DELETE FROM DecodingTemplates WHERE ExporterAddress = $address AND Version = $version AND Domain = $domain AND TemplateId = $id";
                var dAddress = delete.Parameters.Add("$address", SqliteType.Blob);
                var dVersion = delete.Parameters.Add("$version", SqliteType.Integer);
                var dDomain = delete.Parameters.Add("$domain", SqliteType.Integer);
                var dId = delete.Parameters.Add("$id", SqliteType.Integer);
                delete.Prepare();
                foreach (var key in deletes)
                {
                    dAddress.Value = AddressBytes(key.Exporter);
                    dVersion.Value = (int)key.Version;
                    dDomain.Value = (long)key.Domain;
                    dId.Value = (int)key.TemplateId;
                    delete.ExecuteNonQuery();
                    written += KeyBytes;
                }
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO DecodingTemplates (ExporterAddress, Version, Domain, TemplateId, Fields, ScopeFieldCount, IsOptions, ScopesAreV9Types, LearnedAtMs, RefreshedAtMs)
                VALUES ($address, $version, $domain, $id, $fields, $scopes, $options, $v9scopes, $learned, $refreshed)
                ON CONFLICT (ExporterAddress, Version, Domain, TemplateId) DO UPDATE SET
                    Fields = excluded.Fields, ScopeFieldCount = excluded.ScopeFieldCount, IsOptions = excluded.IsOptions,
                    ScopesAreV9Types = excluded.ScopesAreV9Types, LearnedAtMs = excluded.LearnedAtMs, RefreshedAtMs = excluded.RefreshedAtMs
                """;
            var address = insert.Parameters.Add("$address", SqliteType.Blob);
            var version = insert.Parameters.Add("$version", SqliteType.Integer);
            var domain = insert.Parameters.Add("$domain", SqliteType.Integer);
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var fields = insert.Parameters.Add("$fields", SqliteType.Blob);
            var scopes = insert.Parameters.Add("$scopes", SqliteType.Integer);
            var options = insert.Parameters.Add("$options", SqliteType.Integer);
            var v9Scopes = insert.Parameters.Add("$v9scopes", SqliteType.Integer);
            var learned = insert.Parameters.Add("$learned", SqliteType.Integer);
            var refreshed = insert.Parameters.Add("$refreshed", SqliteType.Integer);
            insert.Prepare();

            foreach (var entry in upserts)
            {
                address.Value = AddressBytes(entry.Key.Exporter);
                version.Value = (int)entry.Key.Version;
                domain.Value = (long)entry.Key.Domain;
                id.Value = (int)entry.Key.TemplateId;
                fields.Value = EncodeFields(entry.Template.Fields);
                scopes.Value = entry.Template.ScopeFieldCount;
                options.Value = entry.Template.IsOptions;
                v9Scopes.Value = entry.Template.ScopesAreV9Types;
                learned.Value = entry.LearnedAt.ToUnixTimeMilliseconds();
                refreshed.Value = entry.RefreshedAt.ToUnixTimeMilliseconds();
                insert.ExecuteNonQuery();
                written += RowBytes(entry);
            }

            transaction.Commit();
            return written;
        }
    }

    /// <summary>The payload of one template row: key, field specifiers (8 bytes each) and the other columns.</summary>
    public static long RowBytes(TemplateEntry entry) => KeyBytes + 32 + ((long)(entry?.Template.Fields.Length ?? 0) * FieldBytes);

    private const int KeyBytes = 16 + 4 + 8 + 4;

    /// <summary>The stored templates; rows that do not make a valid template are skipped.</summary>
    public async Task<IReadOnlyList<TemplateEntry>> LoadAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.DecodingTemplates.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<TemplateEntry>(rows.Count);
            foreach (var row in rows)
            {
                if (ToEntry(row) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            return entries;
        }
    }

    /// <summary>Loads the stored templates into <paramref name="cache"/> (expired ones are skipped by the cache); returns how many it took.</summary>
    public async Task<int> RestoreAsync(TemplateCache cache, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.Restore(await LoadAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Inserts or updates one row per exporter with its current counters.</summary>
    public async Task SaveExportersAsync(IReadOnlyCollection<ExporterStatistics> exporters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var transaction = connection.BeginTransaction();
            using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO ExportersSeen (Address, Version, FirstSeenMs, LastSeenMs, Datagrams, Flows, Octets, Packets, DecodeErrors, LostFlowsEstimate)
                VALUES ($address, $version, $first, $last, $datagrams, $flows, $octets, $packets, $errors, $lost)
                ON CONFLICT (Address) DO UPDATE SET
                    Version = excluded.Version, FirstSeenMs = min(FirstSeenMs, excluded.FirstSeenMs), LastSeenMs = excluded.LastSeenMs,
                    Datagrams = excluded.Datagrams, Flows = excluded.Flows, Octets = excluded.Octets, Packets = excluded.Packets,
                    DecodeErrors = excluded.DecodeErrors, LostFlowsEstimate = excluded.LostFlowsEstimate
                """;
            var address = upsert.Parameters.Add("$address", SqliteType.Blob);
            var version = upsert.Parameters.Add("$version", SqliteType.Integer);
            var first = upsert.Parameters.Add("$first", SqliteType.Integer);
            var last = upsert.Parameters.Add("$last", SqliteType.Integer);
            var datagrams = upsert.Parameters.Add("$datagrams", SqliteType.Integer);
            var flows = upsert.Parameters.Add("$flows", SqliteType.Integer);
            var octets = upsert.Parameters.Add("$octets", SqliteType.Integer);
            var packets = upsert.Parameters.Add("$packets", SqliteType.Integer);
            var errors = upsert.Parameters.Add("$errors", SqliteType.Integer);
            var lost = upsert.Parameters.Add("$lost", SqliteType.Integer);
            upsert.Prepare();

            foreach (var e in exporters)
            {
                address.Value = AddressBytes(e.Address);
                version.Value = e.Version;
                first.Value = e.FirstSeen.ToUnixTimeMilliseconds();
                last.Value = e.LastSeen.ToUnixTimeMilliseconds();
                datagrams.Value = e.Datagrams;
                flows.Value = e.Flows;
                octets.Value = e.Octets;
                packets.Value = e.Packets;
                errors.Value = e.DecodeErrors;
                lost.Value = e.LostFlowsEstimate;
                upsert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>Every exporter ever saved, most recently seen first.</summary>
    public async Task<IReadOnlyList<ExporterSeenRecord>> LoadExportersAsync(CancellationToken cancellationToken = default)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.ExportersSeen.AsNoTracking().OrderByDescending(e => e.LastSeenMs).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Where(r => r.Address.Length == 16).Select(r => new ExporterSeenRecord(
                FlowAddress.FromIPv6(r.Address), r.Version,
                DateTimeOffset.FromUnixTimeMilliseconds(r.FirstSeenMs), DateTimeOffset.FromUnixTimeMilliseconds(r.LastSeenMs),
                r.Datagrams, r.Flows, r.Octets, r.Packets, r.DecodeErrors, r.LostFlowsEstimate))];
        }
    }

    internal static byte[] AddressBytes(FlowAddress address)
    {
        var bytes = new byte[16];
        address.WriteBytes(bytes);
        return bytes;
    }

    internal static byte[] EncodeFields(IReadOnlyList<TemplateField> fields)
    {
        var bytes = new byte[fields.Count * FieldBytes];
        for (var i = 0; i < fields.Count; i++)
        {
            var slot = bytes.AsSpan(i * FieldBytes, FieldBytes);
            BinaryPrimitives.WriteUInt16BigEndian(slot, fields[i].ElementId);
            BinaryPrimitives.WriteUInt16BigEndian(slot[2..], fields[i].Length);
            BinaryPrimitives.WriteUInt32BigEndian(slot[4..], fields[i].EnterpriseNumber);
        }

        return bytes;
    }

    private static TemplateEntry? ToEntry(DecodingTemplate row)
    {
        if (row.ExporterAddress.Length != 16 || row.Fields.Length == 0 || row.Fields.Length % FieldBytes != 0 ||
            row.Version is < 0 or > byte.MaxValue || row.Domain is < 0 or > uint.MaxValue || row.TemplateId is < 0 or > ushort.MaxValue ||
            row.ScopeFieldCount < 0 || row.ScopeFieldCount > row.Fields.Length / FieldBytes)
        {
            return null;
        }

        var fields = new TemplateField[row.Fields.Length / FieldBytes];
        for (var i = 0; i < fields.Length; i++)
        {
            var slot = row.Fields.AsSpan(i * FieldBytes, FieldBytes);
            fields[i] = new TemplateField(
                BinaryPrimitives.ReadUInt16BigEndian(slot),
                BinaryPrimitives.ReadUInt16BigEndian(slot[2..]),
                BinaryPrimitives.ReadUInt32BigEndian(slot[4..]));
        }

        var key = new TemplateKey(FlowAddress.FromIPv6(row.ExporterAddress), (byte)row.Version, (uint)row.Domain, (ushort)row.TemplateId);
        var template = new FlowTemplate((ushort)row.TemplateId, fields, row.ScopeFieldCount, row.IsOptions, row.ScopesAreV9Types);
        return new TemplateEntry(key, template,
            DateTimeOffset.FromUnixTimeMilliseconds(row.LearnedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(row.RefreshedAtMs));
    }
}
