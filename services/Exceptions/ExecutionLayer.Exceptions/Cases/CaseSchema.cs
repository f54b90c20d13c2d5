namespace ExecutionLayer.Exceptions.Cases;

/// <summary>
/// What the case writer keeps beside the case streams: an index to find cases by kind, trigger and site
/// (at most one open case per trigger), the keys each open case watches in the graph, and the request
/// ids other services answer a case with.
/// </summary>
internal static class CaseSchema
{
    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.case_index (
            case_id uuid PRIMARY KEY, kind text NOT NULL, site text NOT NULL, trigger_key text NOT NULL, status text NOT NULL,
            severity text NOT NULL, summary text NOT NULL, value_at_risk numeric NOT NULL DEFAULT 0, escalation_level int NOT NULL DEFAULT 0,
            opened_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
        ALTER TABLE {s}.case_index ADD COLUMN IF NOT EXISTS escalation_level int NOT NULL DEFAULT 0;
        CREATE TABLE IF NOT EXISTS {s}.case_watch (key text NOT NULL, case_id uuid NOT NULL, PRIMARY KEY (key, case_id));
        CREATE INDEX IF NOT EXISTS case_watch_case ON {s}.case_watch (case_id);
        CREATE TABLE IF NOT EXISTS {s}.case_requests (request_id uuid PRIMARY KEY, case_id uuid NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS case_index_open_trigger ON {s}.case_index (kind, trigger_key) WHERE status NOT IN ('Resolved', 'Closed');
        CREATE INDEX IF NOT EXISTS case_index_site ON {s}.case_index (site, status);
        """;
}
