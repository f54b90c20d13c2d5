namespace ExecutionLayer.Contracts.Audit;

/// <summary>
/// The audit feed as the outbox publishes it: one message per outbox page, its entries in the source's sequence order. Each
/// entry is identified, as a single <see cref="DomainEventRecorded"/> was, by its source and event id, so a page published
/// again — whole, or cut differently — adds nothing the ledger already holds. One message instead of one per event: the
/// broker and both ends handle a page for what one event cost.
/// </summary>
public sealed record DomainEventsRecorded(string Source, IReadOnlyList<DomainEventRecorded> Events);
