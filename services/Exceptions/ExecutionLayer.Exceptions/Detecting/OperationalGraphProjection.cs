using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>
/// Follows the intake log: each fact updates the graph and runs detection in the same transaction as
/// the checkpoint, so a hold blocks its descendants in the same processing step that records the case.
/// </summary>
internal sealed class OperationalGraphProjection(EventStore store, CaseDetector detector) : IProjection
{
    public const string IntakeEventType = "intake.operational-event-received";

    private readonly GraphWriter _graph = new(store.Schema.Value);

    public string Name => "operational-graph";

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (e.EventType != IntakeEventType) continue; // case events are this projection's own output
            var received = (OperationalEventReceived)e.Data;
            var fact = FactTypes.Read(received.Type, received.Data);
            await _graph.ApplyAsync(tx, received.Site, received.OccurredAt, fact, ct);
            await detector.DetectAsync(tx, e, received, fact, ct);
        }
    }

    /// <summary>Rebuilds the graph; cases are kept (detection finds them again by their derived ids).</summary>
    public async Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        var s = store.Schema.Value;
        await Sql.ExecAsync(tx, $"""
            TRUNCATE {s}.work_centers, {s}.sales_orders, {s}.production_orders, {s}.order_lots, {s}.lots, {s}.lot_links,
                     {s}.shipments, {s}.shipment_orders, {s}.shipment_lots, {s}.purchase_orders, {s}.material_requirements, {s}.quality_holds, {s}.follow_up_facts
            """, ct);
    }
}
