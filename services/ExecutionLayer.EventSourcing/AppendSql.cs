using ExecutionLayer.EventSourcing.Schema;

namespace ExecutionLayer.EventSourcing;

/// <summary>
/// Each append is ONE statement (one round trip, atomic even without an explicit transaction): the
/// CTE locks and checks the stream row first, and the INSERT draws positions only for the rows it
/// joins to a successful check, so a losing writer draws no position and leaves no row.
/// Parameters: $1 stream id, $2 stream type, $3 event count, $4 expected version, $5 event ids,
/// $6 type names, $7 schema versions, $8 payloads, $9 occurred-at, $10 correlation, $11 causation,
/// $12 actor, $13 site, $14 trace parent, $15 on behalf of.
/// </summary>
internal sealed class AppendSql(SchemaName s)
{
    public string ToExistingStream { get; } = Build(s, $"""
        UPDATE {s}.streams SET version = version + $3, updated_at = now()
        WHERE stream_id = $1 AND stream_type = $2 AND version = $4
        RETURNING version - $3 AS base
        """);

    public string ToNewStream { get; } = Build(s, $"""
        INSERT INTO {s}.streams (stream_id, stream_type, version) VALUES ($1, $2, $3)
        ON CONFLICT (stream_id) DO NOTHING
        RETURNING 0::bigint AS base
        """);

    public string ToAnyStream { get; } = Build(s, $"""
        INSERT INTO {s}.streams AS st (stream_id, stream_type, version) VALUES ($1, $2, $3)
        ON CONFLICT (stream_id) DO UPDATE SET version = st.version + EXCLUDED.version, updated_at = now()
            WHERE st.stream_type = EXCLUDED.stream_type
        RETURNING st.version - $3 AS base
        """);

    public string CurrentVersion { get; } = $"SELECT version, stream_type FROM {s}.streams WHERE stream_id = $1";

    public string ExistingEventId { get; } = $"SELECT event_id FROM {s}.events WHERE event_id = ANY($1) LIMIT 1";

    public string For(ExpectedVersion expected) =>
        expected.IsAny ? ToAnyStream : expected.IsNoStream ? ToNewStream : ToExistingStream;

    private static string Build(SchemaName s, string streamCheck) => $"""
        WITH stream AS (
        {streamCheck}
        )
        INSERT INTO {s}.events (stream_id, stream_type, version, event_id, event_type, schema_version, data,
                                occurred_at, correlation_id, causation_id, actor, site, trace_parent, on_behalf_of)
        SELECT $1, $2, stream.base + e.ord, e.id, e.type, e.schema_version, e.data, e.occurred_at, $10, $11, $12, $13, $14, $15
        FROM stream, unnest($5::uuid[], $6::text[], $7::int[], $8::jsonb[], $9::timestamptz[])
             WITH ORDINALITY AS e(id, type, schema_version, data, occurred_at, ord)
        ORDER BY e.ord
        RETURNING position, tx_id, version, recorded_at
        """;
}
