using ExecutionLayer.Actions.Items;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Actions.ReadingActions;

/// <summary>Which actions a list asks for; null leaves a filter out. <c>After</c>/<c>AfterId</c> is the keyset of the previous page's last row.</summary>
public sealed record ActionFilter(
    string? Site, string? Owner, ActionStatus? Status, bool OpenOnly, string? Kpi, SourceKind? SourceKind, string? SourceReference,
    DateTimeOffset? After, Guid? AfterId, int Limit, string[]? Sites);

/// <summary>
/// The action index (one row per action, kept by the writer in the command's transaction): what lists,
/// metrics, risk and agendas read without loading streams.
/// </summary>
public sealed class ActionIndex(ServiceStore store)
{
    public const string SummaryColumns = """
        a.action_id, a.site, a.department, a.owner, a.title, a.priority, a.perspective, a.kpis, a.status, a.source_kind, a.source_reference,
        a.correlation_id, a.created_at, a.original_due, a.current_due, a.verified_at, a.due_changes, a.progress, a.overdue_level, a.repeat_of,
        a.ineffective, a.moved_kpis
        """;

    /// <summary>The index keeps the status's enum name; these are the open ones.</summary>
    public const string OpenStatuses = "('Open', 'InProgress', 'Blocked', 'CompletionClaimed')";

    /// <summary>A page ordered by (created_at, action_id), so the next page starts after the last row's pair.</summary>
    public Task<List<ActionSummary>> ListAsync(ActionFilter f, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT {SummaryColumns} FROM {store.Schema}.action_index a
        WHERE ($1::text IS NULL OR a.site = $1) AND ($2::text IS NULL OR lower(a.owner) = lower($2)) AND ($3::text IS NULL OR a.status = $3) AND (NOT $10 OR a.status IN {OpenStatuses})
          AND ($4::text IS NULL OR a.kpis @> ARRAY[$4]) AND ($5::text IS NULL OR a.source_kind = $5) AND ($6::text IS NULL OR a.source_reference = $6)
          AND ($7::timestamptz IS NULL OR (a.created_at, a.action_id) > ($7, $8::uuid)) AND ($11::text[] IS NULL OR a.site = ANY ($11))
        ORDER BY a.created_at, a.action_id LIMIT $9
        """, ReadSummary, ct, Sql.Text(f.Site), Sql.Text(f.Owner), Sql.Text(f.Status?.ToString()), Sql.Text(f.Kpi), Sql.Text(f.SourceKind?.ToString()),
        Sql.Text(f.SourceReference), Sql.Timestamp(f.After),
        new NpgsqlParameter { Value = (object?)f.AfterId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid },
        new NpgsqlParameter<int> { TypedValue = f.Limit }, new NpgsqlParameter<bool> { TypedValue = f.OpenOnly }, Sql.Texts(f.Sites));

    /// <summary>Reads the <see cref="SummaryColumns"/>, in their order, from the start of a row.</summary>
    public static ActionSummary ReadSummary(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), Enum.Parse<Priority>(r.GetString(5)),
        r.IsDBNull(6) ? null : Enum.Parse<Perspective>(r.GetString(6)), r.GetFieldValue<string[]>(7), Enum.Parse<ActionStatus>(r.GetString(8)),
        Enum.Parse<SourceKind>(r.GetString(9)), r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11), Sql.TimeAt(r, 12), Sql.TimeAt(r, 13), Sql.TimeAt(r, 14),
        Sql.TimeOrNullAt(r, 15), r.GetInt32(16), r.GetInt32(17), r.GetInt32(18), r.IsDBNull(19) ? null : r.GetGuid(19), r.GetBoolean(20),
        r.IsDBNull(21) ? null : r.GetBoolean(21));
}
