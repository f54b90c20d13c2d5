using JasperFx.Events;
using ExecutionLayer.Messaging.Outbox;
using Contract = ExecutionLayer.Contracts.Approvals;

namespace ExecutionLayer.Approvals.Requests;

/// <summary>What the approvals service promises others: one message per outcome. A refusal is its own outcome — nobody rejected it — and its asker hears back too.</summary>
internal sealed class ApprovalsEventMapper : IEventMapper
{
    public IEnumerable<object> Map(IEvent stored)
    {
        var correlation = stored.CorrelationId;
        object? message = stored.Data switch
        {
            ApprovalRequest.Event.Granted e => new Contract.ApprovalGranted(e.ApprovalId, e.ExternalReference, correlation, e.Site, e.Subject.Type, e.Subject.Id,
                e.PolicyId, e.PolicyVersion, e.DecidedBy, e.GrantedAt, [.. e.FollowUps.Select(f => new Contract.ApprovalFollowUp(f.Title, f.Owner, f.DueInDays))],
                e.Amendments is { Count: > 0 } changes ? [.. changes.Select(a => new Contract.ApprovalAmendment(a.Index, a.Drop, a.Cost, a.Hours, a.Quantity, a.At))] : null),
            ApprovalRequest.Event.Rejected e => new Contract.ApprovalRejected(e.ApprovalId, e.ExternalReference, correlation, e.Site, e.Subject.Type, e.Subject.Id,
                e.PolicyId, e.PolicyVersion, e.DecidedBy, e.Comment, e.RejectedAt),
            ApprovalRequest.Event.Refused e => new Contract.ApprovalRefused(e.ApprovalId, e.ExternalReference, correlation, e.Site, e.Subject.Type, e.Subject.Id, e.Why, e.RefusedAt),
            ApprovalRequest.Event.Expired e => new Contract.ApprovalExpired(e.ApprovalId, e.ExternalReference, correlation, e.Site, e.Subject.Type, e.Subject.Id, e.ExpiredAt),
            ApprovalRequest.Event.Withdrawn e => new Contract.ApprovalWithdrawn(e.ApprovalId, e.ExternalReference, correlation, e.Site, e.Subject.Type, e.Subject.Id,
                e.WithdrawnBy, e.WithdrawnAt),
            _ => null,
        };
        if (message is not null) yield return message;
    }
}
