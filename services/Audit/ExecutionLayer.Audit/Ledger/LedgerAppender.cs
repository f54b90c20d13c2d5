using System.Text.Json;
using ExecutionLayer.Audit.Recording;
using ExecutionLayer.Audit.Signing;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.Store.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>A publication of the audit feed as it arrived: the broker's message id and the envelope.</summary>
internal sealed record Received(Guid MessageId, DomainEventRecorded Event);

/// <summary>
/// Appends to the chain. One writer at a time (a transaction-scoped advisory lock, so several instances
/// can run): drop what is already there — the same message id, or the same source sequence under a
/// new id — read the head, hash on from it, copy the batch in, commit. Redelivery therefore never adds
/// an entry, and sequence numbers have no gaps.
/// </summary>
internal sealed class LedgerAppender(NpgsqlDataSource db, TimeProvider clock, CheckpointSignal signal, ILogger<LedgerAppender> logger)
{
    private const long AppendLock = 0x41_55_44_49_54_4C; // "AUDITL"

    public async Task<int> AppendAsync(IReadOnlyList<Received> batch, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await Sql.ExecAsync(tx, $"SELECT pg_advisory_xact_lock({AppendLock})", ct);

        var fresh = await WithoutKnownAsync(tx, batch, ct);
        if (fresh.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        var (sequence, hash) = await HeadAsync(tx, ct);
        var recordedAt = CanonicalJson.ToMicroseconds(clock.GetUtcNow());
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {LedgerRows.Table} ({LedgerRows.Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var received in fresh)
            {
                var entry = ToEntry(++sequence, received, recordedAt);
                var next = Chain.Next(hash, entry.Digest());
                await WriteAsync(copy, entry, hash, next, ct);
                hash = next;
            }
            await copy.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        signal.Appended();
        return fresh.Count;
    }

    public static async Task<(long Sequence, byte[] Hash)> HeadAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT sequence, hash FROM {LedgerRows.Table} ORDER BY sequence DESC LIMIT 1", []);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : (0, Chain.Genesis);
    }

    private static async Task<List<Received>> WithoutKnownAsync(NpgsqlTransaction tx, IReadOnlyList<Received> batch, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = Sql.Command(tx, $"""
            SELECT 'm:' || message_id FROM {LedgerRows.Table} WHERE message_id = ANY($1)
            UNION ALL
            SELECT 's:' || l.source || ':' || l.source_sequence FROM {LedgerRows.Table} l
              JOIN unnest($2::text[], $3::bigint[]) AS b(source, source_sequence) USING (source, source_sequence)
            """, [batch.Select(b => b.MessageId).ToArray(), batch.Select(b => b.Event.Source).ToArray(), batch.Select(b => b.Event.SourceSequence).ToArray()]))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) known.Add(reader.GetString(0));

        var fresh = new List<Received>(batch.Count);
        foreach (var received in batch)
        {
            // Added to `known` as we go, so a repeat inside one batch is dropped too.
            if (!known.Add($"m:{received.MessageId}")) continue;
            if (!known.Add($"s:{received.Event.Source}:{received.Event.SourceSequence}")) continue;
            fresh.Add(received);
        }
        return fresh;
    }

    private LedgerEntry ToEntry(long sequence, Received received, DateTimeOffset recordedAt)
    {
        var e = received.Event;
        string payload;
        string[] subjects;
        try
        {
            payload = CanonicalJson.Canonicalize(e.Payload);
            using var document = JsonDocument.Parse(payload);
            subjects = Subjects.Of(e.StreamId, document.RootElement);
        }
        catch (FormatException error)
        {
            // Still evidence: kept verbatim as a JSON string rather than refused, so nothing the source stored is missing here.
            logger.LogWarning("Entry {Sequence} from {Source} #{SourceSequence}: payload is not canonical JSON ({Reason}); recorded as a string",
                sequence, e.Source, e.SourceSequence, error.Message);
            var text = new System.Text.StringBuilder();
            CanonicalJson.WriteString(text, e.Payload);
            payload = text.ToString();
            subjects = Subjects.Of(e.StreamId, null);
        }
        return new LedgerEntry(
            sequence, received.MessageId, e.Source, e.SourceSequence, e.EventId, e.GlobalPosition, e.StreamId, e.StreamType, e.StreamVersion, e.EventType,
            e.SchemaVersion, subjects, e.CorrelationId, e.CausationId, e.Actor, e.Site, CanonicalJson.ToMicroseconds(e.OccurredAt),
            CanonicalJson.ToMicroseconds(e.RecordedAt), recordedAt, payload, e.OnBehalfOf);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, LedgerEntry e, byte[] prevHash, byte[] hash, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(e.MessageId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(e.Source, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.SourceSequence, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(e.SourceEventId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(e.GlobalPosition, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(e.StreamId, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.StreamType, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.StreamVersion, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(e.EventType, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(e.SchemaVersion, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(e.Subjects.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, e.CorrelationId, ct);
        await WriteNullableAsync(copy, e.CausationId, ct);
        await WriteNullableAsync(copy, e.Actor, ct);
        await WriteNullableAsync(copy, e.Site, ct);
        await copy.WriteAsync(e.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(e.SourceRecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(e.RecordedAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(e.Payload, NpgsqlDbType.Text, ct);
        await WriteNullableAsync(copy, e.OnBehalfOf, ct);
        await copy.WriteAsync(prevHash, NpgsqlDbType.Bytea, ct);
        await copy.WriteAsync(hash, NpgsqlDbType.Bytea, ct);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }
}
