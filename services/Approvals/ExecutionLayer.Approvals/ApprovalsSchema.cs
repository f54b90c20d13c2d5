namespace ExecutionLayer.Approvals;

/// <summary>
/// The approvals service's own tables beside its event store: indexes kept by the write path in the
/// same transaction as the events they index, and the webhook machinery. Each can be rebuilt from the
/// events except the webhook secrets, which are deliberately not events (the audit feed carries every
/// event to another service).
/// </summary>
internal static class ApprovalsSchema
{
    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.approval_index (
            approval_id uuid PRIMARY KEY, site text NOT NULL, subject_type text NOT NULL, subject_id text NOT NULL, status text NOT NULL,
            policy_id text NOT NULL, policy_version int NOT NULL, requester text NOT NULL, correlation_id text NULL, external_reference uuid NULL,
            amount numeric NULL, currency text NULL, current_stage int NULL, stage_name text NULL, stage_level int NULL,
            stage_opened_at timestamptz NULL, stage_due_at timestamptz NULL, requested_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        ALTER TABLE {s}.approval_index ADD COLUMN IF NOT EXISTS live_context_url text NULL;
        CREATE INDEX IF NOT EXISTS approval_index_due ON {s}.approval_index (stage_due_at) WHERE status = 'Pending';
        CREATE INDEX IF NOT EXISTS approval_index_site ON {s}.approval_index (site, status, requested_at DESC);
        CREATE TABLE IF NOT EXISTS {s}.stage_seats (
            approval_id uuid NOT NULL, stage int NOT NULL, level int NOT NULL, approver text NOT NULL, decided_at timestamptz NULL,
            PRIMARY KEY (approval_id, stage, level, approver));
        CREATE INDEX IF NOT EXISTS stage_seats_approver ON {s}.stage_seats (lower(approver)) WHERE decided_at IS NULL;
        CREATE TABLE IF NOT EXISTS {s}.stage_latency (
            approval_id uuid NOT NULL, stage int NOT NULL, policy_id text NOT NULL, site text NOT NULL, opened_at timestamptz NOT NULL,
            decided_at timestamptz NOT NULL, PRIMARY KEY (approval_id, stage));
        CREATE TABLE IF NOT EXISTS {s}.policy_index (
            policy_id text PRIMARY KEY, version int NOT NULL, site text NULL, definition jsonb NOT NULL, retired boolean NOT NULL, updated_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.role_holders (site text NOT NULL, role text NOT NULL, people text[] NOT NULL, PRIMARY KEY (site, role));
        CREATE TABLE IF NOT EXISTS {s}.delegation_index (
            delegation_id uuid PRIMARY KEY, from_person text NOT NULL, to_person text NOT NULL, subject_types text[] NOT NULL,
            valid_from timestamptz NOT NULL, valid_until timestamptz NOT NULL, revoked boolean NOT NULL DEFAULT false);
        CREATE INDEX IF NOT EXISTS delegation_index_to ON {s}.delegation_index (lower(to_person)) WHERE NOT revoked;
        CREATE TABLE IF NOT EXISTS {s}.webhook_subscriptions (
            subscription_id uuid PRIMARY KEY, url text NOT NULL, event_types text[] NOT NULL, sites text[] NOT NULL, secret text NOT NULL,
            active boolean NOT NULL DEFAULT true, created_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {s}.webhook_deliveries (
            delivery_id uuid PRIMARY KEY, subscription_id uuid NOT NULL, event_type text NOT NULL, approval_id uuid NOT NULL, site text NOT NULL,
            body text NOT NULL, status text NOT NULL DEFAULT 'pending', attempts int NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL DEFAULT now(),
            lease_until timestamptz NULL, created_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz NULL, last_error text NULL);
        ALTER TABLE {s}.webhook_deliveries ADD COLUMN IF NOT EXISTS budget_from int NOT NULL DEFAULT 0;
        ALTER TABLE {s}.webhook_deliveries ADD COLUMN IF NOT EXISTS claimed_by uuid NULL;
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON {s}.webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
        CREATE INDEX IF NOT EXISTS webhook_deliveries_subscription ON {s}.webhook_deliveries (subscription_id, status, created_at);
        CREATE TABLE IF NOT EXISTS {s}.webhook_attempts (
            delivery_id uuid NOT NULL, attempt int NOT NULL, attempted_at timestamptz NOT NULL, status_code int NULL, error text NULL,
            duration_ms int NOT NULL, PRIMARY KEY (delivery_id, attempt));
        """;
}
