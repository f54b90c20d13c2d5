using ExecutionLayer.EventSourcing;
using ExecutionLayer.Messaging.Outbox;
using Contract = ExecutionLayer.Contracts.Actions;

namespace ExecutionLayer.Actions.Items;

/// <summary>
/// What the actions service promises others: an action exists, was verified, was cancelled, or is
/// overdue (for the notification bridges). The source and its reference travel with each, so an
/// exception case can find the response it asked for.
/// </summary>
internal sealed class ActionsIntegrationMapper : IIntegrationEventMapper
{
    public IEnumerable<object> Map(RecordedEvent recorded)
    {
        var correlation = recorded.Metadata.CorrelationId;
        var site = recorded.Metadata.Site ?? "";
        object? message = recorded.Data switch
        {
            ActionCreated e => new Contract.ActionItemCreated(e.ActionId, e.Site, Kind(e.SourceKind), e.SourceReference, correlation, e.Title, e.Owner, e.Due, e.CreatedAt),
            ClosureVerified e => new Contract.ActionItemVerified(e.ActionId, site, Kind(e.SourceKind), e.SourceReference, correlation, e.VerifiedBy, e.VerifiedAt),
            ActionCancelled e => new Contract.ActionItemCancelled(e.ActionId, site, Kind(e.SourceKind), e.SourceReference, correlation, e.Reason, e.CancelledAt),
            OverdueEscalated e => new Contract.ActionItemOverdue(e.ActionId, site, correlation, e.Level, e.Rung, e.Notify, e.Due, e.EscalatedAt),
            _ => null,
        };
        if (message is not null) yield return message;
    }

    private static Contract.ActionSourceKind Kind(SourceKind kind) => Enum.Parse<Contract.ActionSourceKind>(kind.ToString());
}
