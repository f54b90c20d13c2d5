using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using MassTransit;

namespace ExecutionLayer.Actions.CreatingActions;

/// <summary>A granted approval's follow-ups become actions, one each, named by the approval and the follow-up's place so a redelivery makes no second.</summary>
public sealed class ApprovalFollowUpsConsumer(MessageInbox inbox, CreateActionHandler handler, SiteDirectory sites, ServiceStore store) : IConsumer<ApprovalGranted>
{
    public Task Consume(ConsumeContext<ApprovalGranted> context)
    {
        var m = context.Message;
        if (m.FollowUps is not { Count: > 0 } followUps) return Task.CompletedTask;
        return context.HandleOnceAsync(inbox, "actions:approval-follow-ups", async tx =>
        {
            var rules = await sites.RulesAsync(tx.Transaction, m.Site, context.CancellationToken);
            var provenance = new Provenance(CausationId: context.MessageId?.ToString(), Actor: m.DecidedBy);
            for (var i = 0; i < followUps.Count; i++)
            {
                var f = followUps[i];
                var due = ActionRequestedConsumer.Later(m.GrantedAt.AddDays(f.DueInDays), store.Clock.GetUtcNow().AddDays(f.DueInDays));
                var command = new CreateAction(CreateAction.IdFor(SourceKind.Approval, $"{m.ApprovalId}/{i}"), f.Title,
                    $"Follow-up of approval {m.ApprovalId} ({m.SubjectType} {m.SubjectId}), granted by {m.DecidedBy}.", f.Owner, due, Priority.P2, m.Site, null,
                    SourceKind.Approval, m.ApprovalId.ToString(), [], null, [], EvidenceKind.Text, rules.DefaultVerifierRole, rules.VerificationWindowDays,
                    m.CorrelationId ?? $"approval-{m.ApprovalId}", "approvals");
                await handler.HandleAsync(tx, command, provenance, context.CancellationToken);
            }
        });
    }
}
