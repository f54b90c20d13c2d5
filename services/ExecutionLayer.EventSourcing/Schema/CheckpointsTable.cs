namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>
/// Progress of each subscription (projection or publisher) through the log, as (tx_id, position).
/// <c>sequence</c> is the publisher's dense count of publications; <c>error</c> holds a stopped
/// projection's failure so health checks can show it.
/// </summary>
internal static class CheckpointsTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.checkpoints (
            name          text        PRIMARY KEY,
            last_tx_id    xid8        NOT NULL DEFAULT '0',
            last_position bigint      NOT NULL DEFAULT 0,
            sequence      bigint      NOT NULL DEFAULT 0,
            updated_at    timestamptz NOT NULL DEFAULT now(),
            error         text        NULL,
            error_at      timestamptz NULL
        );
        """;
}
