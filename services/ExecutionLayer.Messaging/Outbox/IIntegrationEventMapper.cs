using ExecutionLayer.EventSourcing;

namespace ExecutionLayer.Messaging.Outbox;

/// <summary>
/// Turns a stored domain event into the integration events (from contracts/) other services react to.
/// Domain events stay private; only what this returns is a public promise. Most events map to none.
/// </summary>
public interface IIntegrationEventMapper
{
    IEnumerable<object> Map(RecordedEvent recorded);
}
