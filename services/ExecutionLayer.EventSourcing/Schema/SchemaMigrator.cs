using Npgsql;

namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>Creates a service's schema idempotently. Several instances may start at once, so the DDL runs under a transaction-scoped advisory lock.</summary>
public static class SchemaMigrator
{
    public static Task MigrateAsync(NpgsqlDataSource dataSource, SchemaName schema, CancellationToken ct = default) =>
        ExecuteLockedAsync(dataSource, schema, string.Join("\n", [
            $"CREATE SCHEMA IF NOT EXISTS {schema};",
            StreamsTable.Create(schema),
            EventsTable.Create(schema),
            CheckpointsTable.Create(schema),
            InboxTable.Create(schema),
            DeadlinesTable.Create(schema),
            SnapshotsTable.Create(schema),
        ]), ct);

    /// <summary>
    /// Runs idempotent DDL for the schema under its migration lock: two instances starting at once would
    /// otherwise race inside CREATE … IF NOT EXISTS and one fail on the catalog's unique index.
    /// </summary>
    public static async Task ExecuteLockedAsync(NpgsqlDataSource dataSource, SchemaName schema, string ddl, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('el-migrate:' || @schema))", connection, tx))
        {
            lockCommand.Parameters.AddWithValue("schema", schema.Value);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        await using (var create = new NpgsqlCommand(ddl, connection, tx))
            await create.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
