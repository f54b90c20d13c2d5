using ExecutionLayer.EventSourcing.Projections;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing.Tests;

/// <summary>Counts how often each event was applied, so a double application or a gap shows up in the table.</summary>
public sealed class CountingProjection(string table, Func<RecordedEvent, bool>? failOn = null) : IProjection
{
    public string Name => table;

    public static async Task<CountingProjection> CreateAsync(NpgsqlDataSource dataSource, string table, Func<RecordedEvent, bool>? failOn = null)
    {
        await using var command = dataSource.CreateCommand($"CREATE TABLE IF NOT EXISTS test.{table} (event_id uuid PRIMARY KEY, position bigint NOT NULL, times int NOT NULL)");
        await command.ExecuteNonQueryAsync();
        return new CountingProjection(table, failOn);
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (failOn?.Invoke(e) == true)
                throw new InvalidOperationException($"projection {table} cannot handle event at position {e.Position}");
            await using var command = new NpgsqlCommand(
                $"INSERT INTO test.{table} (event_id, position, times) VALUES ($1, $2, 1) ON CONFLICT (event_id) DO UPDATE SET times = test.{table}.times + 1",
                tx.Connection, tx);
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.EventId, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Position });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"TRUNCATE test.{table}", tx.Connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
