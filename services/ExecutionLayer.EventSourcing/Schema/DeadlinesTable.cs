namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>Durable timers (SLA escalation, overdue ladders). A deadline fires once: fired_at is set in the handler's transaction.</summary>
internal static class DeadlinesTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.deadlines (
            deadline_id     uuid        PRIMARY KEY,
            stream_id       text        NOT NULL,
            kind            text        NOT NULL,
            payload         jsonb       NOT NULL,
            due_at          timestamptz NOT NULL,
            next_attempt_at timestamptz NOT NULL,
            attempts        int         NOT NULL DEFAULT 0,
            last_error      text        NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            fired_at        timestamptz NULL,
            cancelled_at    timestamptz NULL
        );
        CREATE INDEX IF NOT EXISTS deadlines_pending ON {s}.deadlines (next_attempt_at)
            WHERE fired_at IS NULL AND cancelled_at IS NULL;
        CREATE INDEX IF NOT EXISTS deadlines_stream ON {s}.deadlines (stream_id, kind);
        """;
}
