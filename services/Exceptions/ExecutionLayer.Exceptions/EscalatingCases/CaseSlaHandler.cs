using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Exceptions.Cases;

namespace ExecutionLayer.Exceptions.EscalatingCases;

/// <summary>A case's SLA ran out: it climbs one rung of its site's escalation ladder (and the writer sets the next timer).</summary>
internal sealed class CaseSlaHandler(CaseWriter cases, ExceptionsOptions options, TimeProvider clock) : IDeadlineHandler
{
    public string Kind => CaseWriter.SlaDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<SlaTimer>(EventJson.Options)!;
        var provenance = new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "exceptions:sla");
        var now = clock.GetUtcNow();
        await cases.DecideAsync(tx, timer.CaseId, provenance, ct,
            s => CaseDecisions.Escalate(s, timer.Level, options.Sla.LadderFor(s.Site), now));
    }
}
