namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>One row per stream: its type and current version. Appends lock this row to check the version.</summary>
internal static class StreamsTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.streams (
            stream_id   text        PRIMARY KEY,
            stream_type text        NOT NULL,
            version     bigint      NOT NULL CHECK (version > 0),
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        """;
}
