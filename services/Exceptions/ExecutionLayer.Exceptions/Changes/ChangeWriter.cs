using ExecutionLayer.Exceptions.Detecting;
using ExecutionLayer.Exceptions.Governing;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.Changes;

/// <summary>The one write path for change requests' streams: decide, and keep the index in the same transaction.</summary>
public sealed class ChangeWriter(ServiceStore store)
{
    private readonly string _s = store.Schema;

    /// <summary>A change's events, and the approval it asks for, share one correlation id: the change.</summary>
    public static string CorrelationOf(Guid changeId) => $"change-{changeId}";

    public async Task<Decided<ChangeRequest, ChangeRequest.Event>> DecideAsync(
        StoreTransaction tx, Guid changeId, Provenance provenance, CancellationToken ct, Func<ChangeRequest, IReadOnlyList<ChangeRequest.Event>> decide)
    {
        var written = await tx.DecideAsync(ChangeRequest.StreamId(changeId), null, decide,
            state => provenance with { Site = state.Site, CorrelationId = CorrelationOf(changeId) }, ct);
        if (written.Events.Count > 0) await IndexAsync(tx.Transaction, written.State, ct);
        return written;
    }

    /// <summary>The change waiting for a decision on this field of this entity, if one is.</summary>
    public async Task<Guid?> PendingAsync(NpgsqlTransaction tx, GovernableField field, string entityId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT change_id FROM {_s}.change_index WHERE field_key = $1 AND entity_id = $2 AND status = 'Pending' LIMIT 1",
            [field.Key, entityId]);
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>The change that asked for this approval request, with its field and entity; null when no change did.</summary>
    public async Task<(Guid ChangeId, GovernableField Field, string EntityId)?> OfApprovalRequestAsync(NpgsqlTransaction tx, Guid approvalRequestId, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"SELECT change_id, field_key, entity_id FROM {_s}.change_index WHERE approval_request_id = $1", [approvalRequestId]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var key = reader.GetString(1);
        return GovernableField.All.FirstOrDefault(f => f.Key == key) is { } field ? (reader.GetGuid(0), field, reader.GetString(2)) : null;
    }

    private Task IndexAsync(NpgsqlTransaction tx, ChangeRequest state, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {_s}.change_index (change_id, site, field_key, entity_id, status, from_value, to_value, requester, approval_request_id, approval_id,
            requested_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid, $10::uuid, $11, now())
        ON CONFLICT (change_id) DO UPDATE SET status = EXCLUDED.status, approval_id = EXCLUDED.approval_id, updated_at = now()
        """, ct, state.Id, state.Site, state.FieldKey, state.EntityId, state.Status.ToString(), state.From, state.To, state.Requester, state.ApprovalRequestId,
        state.ApprovalId, state.RequestedAt);
}

/// <summary>
/// A change decided, and — when it was granted — made the plan of record in the same transaction: the field's governed value
/// becomes the granted one (awaiting the ERP's report of it; applied at once when the ERP already reports it), the graph takes
/// it, and the open cases watching the entity are re-assessed with it. Takes the graph's turn, as every writer of the graph does.
/// </summary>
internal sealed class ChangeGrants(ServiceStore store, ChangeWriter writer, GovernanceTables tables, Reassessment reassessment)
{
    private readonly GraphWriter _graph = new(store.Schema);

    public async Task<Decided<ChangeRequest, ChangeRequest.Event>> DecideAsync(StoreTransaction tx, Guid changeId, GovernableField field, string entityId,
        Provenance provenance, CancellationToken ct, Func<ChangeRequest, GovernedValue?, IReadOnlyList<ChangeRequest.Event>> decide)
    {
        await tx.TakeTurnAsync(GraphWriter.Turn, ct);
        var standing = await tables.ValueAsync(tx.Transaction, field, entityId, ct) ?? await tables.FromGraphAsync(tx.Transaction, field, entityId, ct);
        var written = await writer.DecideAsync(tx, changeId, provenance, ct, s => AppliedIfReported(s, decide(s, standing), standing));
        if (written.Events.OfType<ChangeRequest.Event.Granted>().FirstOrDefault() is { } granted)
            await MakeItTheValueAsync(tx, written.State, field, granted, standing, provenance, ct);
        return written;
    }

    /// <summary>Granted on what the ERP already reports (a change nobody granted, approved after the fact): nothing is left for the ERP to do.</summary>
    private static IReadOnlyList<ChangeRequest.Event> AppliedIfReported(ChangeRequest state, IReadOnlyList<ChangeRequest.Event> decided, GovernedValue? standing)
    {
        if (decided.OfType<ChangeRequest.Event.Granted>().FirstOrDefault() is not { } granted) return decided;
        var after = decided.Aggregate(state, (s, e) => s.Apply(e));
        return standing?.Reported == after.To ? [.. decided, .. ChangeDecisions.Applied(after, null, granted.GrantedAt)] : decided;
    }

    private async Task MakeItTheValueAsync(StoreTransaction tx, ChangeRequest change, GovernableField field, ChangeRequest.Event.Granted granted, GovernedValue? standing,
        Provenance provenance, CancellationToken ct)
    {
        var reported = standing?.Reported ?? change.From;
        await tables.KeepAsync(tx.Transaction, new GovernedValue(change.Site, field, change.EntityId, change.To, reported,
            standing?.ReportedAt ?? granted.GrantedAt, change.Status == ChangeStatus.Applied ? null : change.Id), ct);
        await _graph.SetGovernedAsync(tx.Transaction, field, change.EntityId, change.To, ct);
        var cause = provenance with { Site = change.Site, CausationId = provenance.CausationId ?? change.Id.ToString() };
        await reassessment.ReassessAsync(tx, [field.WatchKey(change.EntityId)], cause, granted.GrantedAt, ct);
    }
}
