namespace ExecutionLayer.Actions;

/// <summary>
/// The actions service's tables beside its event store, each kept by a write path in the same
/// transaction as the events it reflects, so a read never sees one without the other. All but the
/// readings' dedup key could be rebuilt from the events.
/// </summary>
internal static class ActionsSchema
{
    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.action_index (
            action_id uuid PRIMARY KEY, site text NOT NULL, department text NULL, owner text NOT NULL, title text NOT NULL, priority text NOT NULL,
            perspective text NULL, kpis text[] NOT NULL, tags text[] NOT NULL, status text NOT NULL, source_kind text NOT NULL, source_reference text NOT NULL,
            correlation_id text NULL, verifier_role text NOT NULL, created_at timestamptz NOT NULL, original_due timestamptz NOT NULL, current_due timestamptz NOT NULL,
            verified_at timestamptz NULL, due_changes int NOT NULL, progress int NOT NULL, overdue_level int NOT NULL, repeat_of uuid NULL,
            ineffective boolean NOT NULL, moved_kpis boolean NULL, version bigint NOT NULL);
        ALTER TABLE {s}.action_index ADD COLUMN IF NOT EXISTS objectives text[] NOT NULL DEFAULT ARRAY[]::text[];
        CREATE INDEX IF NOT EXISTS action_index_open ON {s}.action_index (site, current_due)
            WHERE status IN ('Open', 'InProgress', 'Blocked', 'CompletionClaimed');
        -- Open actions in due order across sites: the scorecard's unaligned list walks it and stops at its page.
        CREATE INDEX IF NOT EXISTS action_index_open_due ON {s}.action_index (current_due, action_id)
            WHERE status IN ('Open', 'InProgress', 'Blocked', 'CompletionClaimed');
        CREATE INDEX IF NOT EXISTS action_index_owner ON {s}.action_index (lower(owner), status);
        CREATE INDEX IF NOT EXISTS action_index_created ON {s}.action_index (site, created_at);
        CREATE INDEX IF NOT EXISTS action_index_due ON {s}.action_index (site, original_due);
        CREATE INDEX IF NOT EXISTS action_index_verified ON {s}.action_index (site, verified_at) WHERE verified_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS action_index_kpis ON {s}.action_index USING gin (kpis);
        CREATE INDEX IF NOT EXISTS action_index_objectives ON {s}.action_index USING gin (objectives);
        CREATE INDEX IF NOT EXISTS action_index_source ON {s}.action_index (source_kind, source_reference);
        CREATE TABLE IF NOT EXISTS {s}.site_rules (site text PRIMARY KEY, rules text NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.kpi_index (
            site text NOT NULL, kpi text NOT NULL, name text NOT NULL, unit text NOT NULL, direction text NOT NULL, target numeric NOT NULL,
            green numeric NOT NULL, red numeric NOT NULL, perspective text NOT NULL, version int NOT NULL, definition text NOT NULL,
            latest_value numeric NULL, latest_at timestamptz NULL, status text NOT NULL, PRIMARY KEY (site, kpi));
        CREATE TABLE IF NOT EXISTS {s}.kpi_readings (
            site text NOT NULL, kpi text NOT NULL, value numeric NOT NULL, unit text NOT NULL, measured_at timestamptz NOT NULL,
            source text NOT NULL, source_event_id text NOT NULL, PRIMARY KEY (site, kpi, source, source_event_id));
        CREATE INDEX IF NOT EXISTS kpi_readings_time ON {s}.kpi_readings (site, kpi, measured_at);
        CREATE TABLE IF NOT EXISTS {s}.review_index (
            review_id uuid PRIMARY KEY, site text NOT NULL, kind text NOT NULL, status text NOT NULL, title text NOT NULL,
            opened_at timestamptz NOT NULL, closed_at timestamptz NULL, action_ids uuid[] NOT NULL);
        CREATE INDEX IF NOT EXISTS review_index_kind ON {s}.review_index (site, kind, opened_at DESC);
        """;
}
