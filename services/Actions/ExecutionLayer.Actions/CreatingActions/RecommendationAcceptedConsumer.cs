using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Contracts.Recommendations;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using MassTransit;

namespace ExecutionLayer.Actions.CreatingActions;

/// <summary>
/// An accepted recommendation's actions become action items, one each, owned by whoever holds the owning function's role at the
/// site (the role itself until someone is named), linked to the KPI the recommendation expects to move — so closure quality judges
/// it as for any action. Each is named by its request id, so a redelivery makes no second.
/// </summary>
public sealed class RecommendationAcceptedConsumer(MessageInbox inbox, CreateActionHandler handler, SiteDirectory sites, ServiceStore store)
    : IConsumer<RecommendationAccepted>
{
    public Task Consume(ConsumeContext<RecommendationAccepted> context) => context.HandleOnceAsync(inbox, "actions:recommendation-accepted", async tx =>
    {
        var m = context.Message;
        var rules = await sites.RulesAsync(tx.Transaction, m.Site, context.CancellationToken);
        var provenance = new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.AcceptedBy);
        foreach (var work in m.Work)
        {
            var due = ActionRequestedConsumer.Later(m.AcceptedAt.AddDays(work.DueInDays), store.Clock.GetUtcNow().AddDays(work.DueInDays));
            var command = new CreateAction(
                ActionId: CreateAction.IdFor(SourceKind.Recommendation, work.RequestId.ToString()), Title: work.Title, Description: work.Description,
                Owner: rules.HoldersOf(work.OwnerRole).FirstOrDefault() ?? work.OwnerRole, Due: due, Priority: Priority.P2, Site: m.Site, Department: work.Function,
                SourceKind: SourceKind.Recommendation, SourceReference: work.RequestId.ToString(), Kpis: m.Kpi is { } kpi ? [kpi] : [], Perspective: Perspective.InternalProcess,
                RootCauseTags: [], RequiredEvidence: EvidenceKind.Text, VerifierRole: rules.DefaultVerifierRole,
                VerificationWindowDays: m.VerificationWindowDays ?? rules.VerificationWindowDays,
                CorrelationId: context.Headers.Get<string>(Messaging.Outbox.EventOutbox.CorrelationHeader) ?? $"recommendation-{m.RecommendationId}", CreatedBy: "exceptions");
            await handler.HandleAsync(tx, command, provenance, context.CancellationToken);
        }
    });
}
