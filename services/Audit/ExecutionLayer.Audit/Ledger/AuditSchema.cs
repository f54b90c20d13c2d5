namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// The ledger and its signed checkpoints. Owned by the migration role; the service runs as a role that
/// may only INSERT and SELECT them, and a trigger refuses UPDATE, DELETE and TRUNCATE to anyone —
/// even the owner or a superuser has to disable it first, which verification then catches anyway.
/// </summary>
internal static class AuditSchema
{
    public const string Name = "audit";

    public static string Create(string appendRole) => $"""
        CREATE SCHEMA IF NOT EXISTS {Name};
        CREATE TABLE IF NOT EXISTS {Name}.ledger (
            sequence bigint PRIMARY KEY,
            message_id uuid NOT NULL UNIQUE,
            source text NOT NULL,
            source_sequence bigint NOT NULL,
            source_event_id uuid NOT NULL,
            global_position bigint NOT NULL,
            stream_id text NOT NULL,
            stream_type text NOT NULL,
            stream_version bigint NOT NULL,
            event_type text NOT NULL,
            schema_version int NOT NULL,
            subjects text[] NOT NULL,
            correlation_id text NULL,
            causation_id text NULL,
            actor text NULL,
            site text NULL,
            occurred_at timestamptz NOT NULL,
            source_recorded_at timestamptz NOT NULL,
            recorded_at timestamptz NOT NULL,
            payload text NOT NULL,
            prev_hash bytea NOT NULL,
            hash bytea NOT NULL,
            on_behalf_of text NULL,
            UNIQUE (source, source_sequence));
        ALTER TABLE {Name}.ledger ADD COLUMN IF NOT EXISTS on_behalf_of text NULL;
        CREATE INDEX IF NOT EXISTS ledger_correlation ON {Name}.ledger (correlation_id, sequence) WHERE correlation_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ledger_subjects ON {Name}.ledger USING gin (subjects);
        CREATE INDEX IF NOT EXISTS ledger_actor ON {Name}.ledger (actor, sequence);
        CREATE INDEX IF NOT EXISTS ledger_on_behalf_of ON {Name}.ledger (on_behalf_of, sequence) WHERE on_behalf_of IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ledger_site ON {Name}.ledger (site, sequence);
        CREATE INDEX IF NOT EXISTS ledger_occurred ON {Name}.ledger (occurred_at);
        CREATE INDEX IF NOT EXISTS ledger_source_event ON {Name}.ledger (source_event_id);
        CREATE INDEX IF NOT EXISTS ledger_stream ON {Name}.ledger (stream_id, sequence);
        CREATE TABLE IF NOT EXISTS {Name}.checkpoints (
            sequence bigint PRIMARY KEY,
            hash bytea NOT NULL,
            signed_at timestamptz NOT NULL,
            key_id text NOT NULL,
            signature bytea NOT NULL);

        CREATE OR REPLACE FUNCTION {Name}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE OR REPLACE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON {Name}.ledger FOR EACH ROW EXECUTE FUNCTION {Name}.refuse_change();
        CREATE OR REPLACE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON {Name}.ledger FOR EACH STATEMENT EXECUTE FUNCTION {Name}.refuse_change();
        CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON {Name}.checkpoints FOR EACH ROW EXECUTE FUNCTION {Name}.refuse_change();
        CREATE OR REPLACE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON {Name}.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION {Name}.refuse_change();

        REVOKE ALL ON {Name}.ledger, {Name}.checkpoints FROM PUBLIC;
        GRANT USAGE ON SCHEMA {Name} TO "{appendRole}";
        GRANT SELECT, INSERT ON {Name}.ledger, {Name}.checkpoints TO "{appendRole}";
        """;
}
