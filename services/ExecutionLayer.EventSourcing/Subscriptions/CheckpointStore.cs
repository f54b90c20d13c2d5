using ExecutionLayer.EventSourcing.Schema;
using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.EventSourcing.Subscriptions;

/// <summary>Reads and writes subscription progress; writes happen in the same transaction as the work they record.</summary>
internal sealed class CheckpointStore(SchemaName schema)
{
    /// <summary>Run once before following, outside the batch transactions: a batch must not take a transaction id before it reads.</summary>
    public async Task EnsureAsync(NpgsqlConnection connection, string name, CancellationToken ct)
    {
        await using var ensure = new NpgsqlCommand($"INSERT INTO {schema}.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", connection);
        ensure.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await ensure.ExecuteNonQueryAsync(ct);
    }

    public async Task<Checkpoint> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT last_tx_id, last_position, sequence FROM {schema}.checkpoints WHERE name = $1", connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Checkpoint(name, new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)), reader.GetInt64(2));
    }

    public async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Checkpoint checkpoint, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {schema}.checkpoints SET last_tx_id = $2, last_position = $3, sequence = $4, updated_at = now(), error = NULL, error_at = NULL WHERE name = $1",
            connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.Name });
        command.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = checkpoint.Position.TransactionId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Position.Position });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Sequence });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordErrorAsync(NpgsqlDataSource dataSource, string name, string error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {schema}.checkpoints SET error = $2, error_at = now() WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error });
        await command.ExecuteNonQueryAsync(ct);
    }
}
