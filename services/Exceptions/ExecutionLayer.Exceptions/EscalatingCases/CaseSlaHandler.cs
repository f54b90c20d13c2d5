using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Types;
using ExecutionLayer.Exceptions.Cases;

namespace ExecutionLayer.Exceptions.EscalatingCases;

/// <summary>A case's SLA ran out: it climbs one rung of its site's escalation ladder (and the writer sets the next timer).</summary>
internal sealed class CaseSlaHandler(CaseWriter cases, ExceptionsOptions options, TimeProvider clock) : IDeadlineHandler
{
    public string Kind => CaseWriter.SlaDeadline;

    public async Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<SlaTimer>(EventJson.Options)!;
        var metadata = new EventMetadata(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "exceptions:sla");
        var now = clock.GetUtcNow();
        await cases.DecideAsync(uow.Transaction, timer.CaseId, metadata, ct,
            s => CaseDecisions.Escalate(s, timer.Level, options.Sla.LadderFor(s.Site), now));
    }
}
