namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>
/// The log. <c>position</c> orders events within a transaction; <c>tx_id</c> (the writing transaction)
/// is what subscriptions order by, because positions are drawn before commit and commit out of order.
/// </summary>
internal static class EventsTable
{
    public static string Create(SchemaName s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.events (
            position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
            stream_id      text        NOT NULL,
            stream_type    text        NOT NULL,
            version        bigint      NOT NULL,
            event_id       uuid        NOT NULL,
            event_type     text        NOT NULL,
            schema_version int         NOT NULL,
            data           jsonb       NOT NULL,
            correlation_id text        NULL,
            causation_id   text        NULL,
            actor          text        NULL,
            site           text        NULL,
            occurred_at    timestamptz NOT NULL,
            recorded_at    timestamptz NOT NULL DEFAULT now(),
            trace_parent   text        NULL,
            on_behalf_of   text        NULL,
            CONSTRAINT events_event_id_unique UNIQUE (event_id),
            CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
        );
        ALTER TABLE {s}.events ADD COLUMN IF NOT EXISTS trace_parent text NULL;
        ALTER TABLE {s}.events ADD COLUMN IF NOT EXISTS on_behalf_of text NULL;
        CREATE INDEX IF NOT EXISTS events_tx_position ON {s}.events (tx_id, position);
        CREATE INDEX IF NOT EXISTS events_correlation ON {s}.events (correlation_id) WHERE correlation_id IS NOT NULL;
        """;
}
