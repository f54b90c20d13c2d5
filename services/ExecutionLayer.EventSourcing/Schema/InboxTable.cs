namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>Messages a consumer has already handled; inserted in the same transaction as the handling.</summary>
internal static class InboxTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.inbox (
            consumer   text        NOT NULL,
            message_id uuid        NOT NULL,
            handled_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, message_id)
        );
        """;
}
