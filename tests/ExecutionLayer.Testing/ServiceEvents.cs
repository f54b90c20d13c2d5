namespace ExecutionLayer.Testing;

/// <summary>
/// SQL over one service's stored events, as an operator reads them, whichever store keeps them: Marten's
/// tables for the services that have moved to it, the old store's for the rest (issue #21 moves them one
/// at a time). Checks that read the database directly go through here, so a move changes one list.
/// </summary>
public static class ServiceEvents
{
    private static readonly HashSet<string> OnMarten = ["actions", "approvals", "exceptions"];

    public static bool IsOnMarten(string service) => OnMarten.Contains(service);

    /// <summary>The table of the service's events.</summary>
    public static string Table(string service) => IsOnMarten(service) ? $"{service}.mt_events" : $"{service}.events";

    /// <summary>The column holding an event's stable type name.</summary>
    public static string TypeColumn(string service) => IsOnMarten(service) ? "type" : "event_type";

    public static string IdColumn(string service) => IsOnMarten(service) ? "id" : "event_id";

    /// <summary>The column holding an event's place in the service's log.</summary>
    public static string PositionColumn(string service) => IsOnMarten(service) ? "seq_id" : "position";

    /// <summary>The W3C trace an event was stored in.</summary>
    public static string TraceParent(string service) => IsOnMarten(service) ? "headers->>'traceparent'" : "trace_parent";

    /// <summary>On Marten: the last place in the log the outbox has passed (published, or known never to commit).</summary>
    public static string OutboxMarkSql(string service) =>
        $"SELECT coalesce(max(last_seq_id), 0) FROM {service}.mt_event_progression WHERE name LIKE 'outbox-{service}%'";

    /// <summary>How many of the service's events its outbox has published and seen confirmed (the audit feed's last number).</summary>
    public static string PublishedSql(string service) => IsOnMarten(service)
        ? $"SELECT coalesce((SELECT (data->>'sequence')::bigint FROM {service}.mt_doc_outboxsequence WHERE id = '{service}'), 0)"
        : $"SELECT coalesce(max(sequence), 0) FROM {service}.checkpoints WHERE name = 'outbox:{service}'";
}
