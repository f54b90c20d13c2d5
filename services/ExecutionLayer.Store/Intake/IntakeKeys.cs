using Marten;
using Npgsql;

namespace ExecutionLayer.Store.Intake;

/// <summary>
/// Idempotency of the ERP/MES intake on (source, id), for ever. A handler looks up which of a batch's
/// keys are already stored (those are duplicates), then claims each fresh key in the session that
/// appends its event, so key and event commit together or not at all. When two posts of one event
/// race past the lookup, the second commit is refused on the key, none of its events are stored, and
/// <see cref="Refused"/> tells the handler to look again.
/// </summary>
public sealed class IntakeKeys(IDocumentStore store, NpgsqlDataSource dataSource)
{
    private readonly string _table = $"{store.Options.DatabaseSchemaName}.{IntakeKeysTable.Name}";

    /// <summary>Claims a post's keys in the session's SaveChanges, in one statement (queued SQL, in its transaction).</summary>
    public void Claim(IDocumentSession session, IReadOnlyCollection<(string Source, string Id, Guid EventId)> keys)
    {
        if (keys.Count == 0) return;
        session.QueueSqlCommand($"INSERT INTO {_table} (source, id, event_id) SELECT * FROM unnest(?::text[], ?::text[], ?::uuid[])",
            keys.Select(k => k.Source).ToArray(), keys.Select(k => k.Id).ToArray(), keys.Select(k => k.EventId).ToArray());
    }

    /// <summary>Which of these keys are stored already, with the event each was stored as.</summary>
    public async Task<IReadOnlyDictionary<(string Source, string Id), Guid>> StoredAsync(
        IReadOnlyCollection<(string Source, string Id)> keys, CancellationToken ct = default)
    {
        var stored = new Dictionary<(string, string), Guid>();
        if (keys.Count == 0) return stored;
        await using var command = dataSource.CreateCommand($"""
            SELECT k.source, k.id, k.event_id FROM {_table} k
            JOIN unnest($1::text[], $2::text[]) AS wanted(source, id) ON wanted.source = k.source AND wanted.id = k.id
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Source)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Id)] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) stored[(reader.GetString(0), reader.GetString(1))] = reader.GetGuid(2);
        return stored;
    }

    /// <summary>Whether a SaveChanges failed because another post stored one of its keys first.</summary>
    public static bool Refused(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: IntakeKeysTable.Name }) return true;
        return false;
    }
}
