namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>The latest snapshot of a long stream's state; loading starts there and folds only later events.</summary>
internal static class SnapshotsTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.snapshots (
            stream_id     text        PRIMARY KEY,
            version       bigint      NOT NULL,
            state_type    text        NOT NULL,
            state         jsonb       NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now()
        );
        """;
}
