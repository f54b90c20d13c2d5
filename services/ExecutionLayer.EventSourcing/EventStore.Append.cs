using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing;

public sealed partial class EventStore
{
    private readonly AppendSql _sql;

    /// <summary>
    /// Appends events to one stream atomically. Throws <see cref="ConcurrencyException"/> when the
    /// stream is not at <paramref name="expected"/>; nothing is written then.
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events,
        EventMetadata? metadata = null, CancellationToken ct = default)
    {
        var prepared = Prepare(streamId, streamType, events, metadata);
        if (_inlineProjections.Count > 0)
        {
            await using var uow = await BeginAsync(ct);
            var result = await AppendInTransactionAsync(uow.Transaction, prepared, expected, ct);
            await uow.CommitAsync(ct);
            return result;
        }

        // No inline projection: the single statement commits on its own, one round trip.
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        var (appended, _) = await ExecuteAppendAsync(connection, null, prepared, expected, ct);
        OnCommitted();
        return appended;
    }

    /// <summary>Appends inside a caller's transaction (a projection that turns facts into new events, atomically with its checkpoint).</summary>
    public Task<AppendResult> AppendAsync(
        NpgsqlTransaction tx, string streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events,
        EventMetadata? metadata = null, CancellationToken ct = default) =>
        AppendInTransactionAsync(tx, Prepare(streamId, streamType, events, metadata), expected, ct);

    internal async Task<AppendResult> AppendInTransactionAsync(NpgsqlTransaction tx, PreparedAppend prepared, ExpectedVersion expected, CancellationToken ct)
    {
        var (result, recorded) = await ExecuteAppendAsync(tx.Connection!, tx, prepared, expected, ct);
        foreach (var projection in _inlineProjections)
            await projection.ApplyAsync(recorded, tx, ct);
        return result;
    }

    private async Task<(AppendResult, IReadOnlyList<RecordedEvent>)> ExecuteAppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, PreparedAppend a, ExpectedVersion expected, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql.For(expected), connection, tx)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = a.StreamId, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<string> { TypedValue = a.StreamType, NpgsqlDbType = NpgsqlDbType.Text },
                new NpgsqlParameter<long> { TypedValue = a.Count, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter<long> { TypedValue = expected.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
                new NpgsqlParameter<Guid[]> { TypedValue = a.EventIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
                new NpgsqlParameter<string[]> { TypedValue = a.TypeNames, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<int[]> { TypedValue = a.SchemaVersions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new NpgsqlParameter<string[]> { TypedValue = a.Payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new NpgsqlParameter<DateTime[]> { TypedValue = a.OccurredAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                Nullable(a.Metadata.CorrelationId),
                Nullable(a.Metadata.CausationId),
                Nullable(a.Metadata.Actor),
                Nullable(a.Metadata.Site),
                Nullable(a.Metadata.TraceParent),
                Nullable(a.Metadata.OnBehalfOf),
            },
        };

        var recorded = new List<RecordedEvent>(a.Count);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var i = 0;
            while (await reader.ReadAsync(ct))
            {
                recorded.Add(new RecordedEvent(
                    Position: reader.GetInt64(0),
                    TransactionId: reader.GetFieldValue<ulong>(1),
                    StreamId: a.StreamId,
                    StreamType: a.StreamType,
                    Version: reader.GetInt64(2),
                    EventId: a.EventIds[i],
                    EventType: a.TypeNames[i],
                    SchemaVersion: a.SchemaVersions[i],
                    Json: a.Payloads[i],
                    Metadata: a.Metadata with { OccurredAt = new DateTimeOffset(a.OccurredAt[i]) },
                    OccurredAt: new DateTimeOffset(a.OccurredAt[i]),
                    RecordedAt: new DateTimeOffset(reader.GetFieldValue<DateTime>(3))).WithData(a.Data[i]));
                i++;
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "events_event_id_unique")
        {
            throw new DuplicateEventException(await FindStoredEventIdAsync(a.EventIds, ct) ?? a.EventIds[0], e);
        }

        if (recorded.Count == 0)
            throw await DiagnoseRefusalAsync(connection, tx, a, expected, ct);

        var result = new AppendResult(a.StreamId, recorded[^1].Version, recorded.Select(r => r.Position).ToArray());
        return (result, recorded);
    }

    private static NpgsqlParameter<string?> Nullable(string? value) =>
        new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>The statement wrote nothing: say why (wrong version, missing stream, or a stream of another type).</summary>
    private async Task<Exception> DiagnoseRefusalAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, PreparedAppend a, ExpectedVersion expected, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql.CurrentVersion, connection, tx) { Parameters = { new() { Value = a.StreamId } } };
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return new ConcurrencyException(a.StreamId, expected, null);
        var (version, type) = (reader.GetInt64(0), reader.GetString(1));
        if (type != a.StreamType && (expected.IsAny || version == expected.Value))
            return new InvalidAppendException($"Stream '{a.StreamId}' is a '{type}' stream; it cannot take '{a.StreamType}' events.");
        return new ConcurrencyException(a.StreamId, expected, version);
    }

    /// <summary>Runs on its own connection: the failed statement aborted the caller's transaction.</summary>
    private async Task<Guid?> FindStoredEventIdAsync(Guid[] ids, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand(_sql.ExistingEventId);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }
}
