using Npgsql;

namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>Creates a service's schema idempotently. Several instances may start at once, so the DDL runs under a transaction-scoped advisory lock.</summary>
public static class SchemaMigrator
{
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, SchemaName schema, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('el-migrate:' || @schema))", connection, tx))
        {
            lockCommand.Parameters.AddWithValue("schema", schema.Value);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        var ddl = string.Join("\n", [
            $"CREATE SCHEMA IF NOT EXISTS {schema};",
            StreamsTable.Create(schema),
            EventsTable.Create(schema),
            CheckpointsTable.Create(schema),
            InboxTable.Create(schema),
            DeadlinesTable.Create(schema),
            SnapshotsTable.Create(schema),
        ]);
        await using (var create = new NpgsqlCommand(ddl, connection, tx))
            await create.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
