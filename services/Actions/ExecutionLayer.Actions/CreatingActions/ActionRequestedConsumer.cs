using System.Globalization;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using MassTransit;

namespace ExecutionLayer.Actions.CreatingActions;

/// <summary>
/// An exception case routed a function: that function gets one action, owned by whoever holds the
/// function's owner role at the site (the role itself until someone is named), due by the case's
/// severity. The case's request id names the action, so a redelivery finds it made.
/// </summary>
public sealed class ActionRequestedConsumer(MessageInbox inbox, CreateActionHandler handler, SiteDirectory sites, ServiceStore store) : IConsumer<ActionRequested>
{
    public Task Consume(ConsumeContext<ActionRequested> context) => context.HandleOnceAsync(inbox, "actions:action-requested", async tx =>
    {
        var m = context.Message;
        var rules = await sites.RulesAsync(tx.Transaction, m.Site, context.CancellationToken);
        var (priority, days) = BySeverity(m.Severity);
        var due = Later(m.RequestedAt.AddDays(days), store.Clock.GetUtcNow().AddDays(days));
        var description = string.Create(CultureInfo.InvariantCulture,
            $"Exception case {m.CaseId}, routed to {m.Function}. Production orders: {List(m.ProductionOrders)}. Shipments: {List(m.Shipments)}. Value at risk: {m.ValueAtRisk:N0}.");
        var command = new CreateAction(CreateAction.IdFor(SourceKind.Exception, m.RequestId.ToString()), m.Title, description,
            rules.HoldersOf(m.OwnerRole).FirstOrDefault() ?? m.OwnerRole, due, priority, m.Site, m.Function, SourceKind.Exception, m.RequestId.ToString(), [],
            m.Shipments.Count > 0 ? Perspective.Customer : Perspective.InternalProcess, [], EvidenceKind.Text, rules.DefaultVerifierRole,
            rules.VerificationWindowDays, context.Headers.Get<string>(EventOutbox.CorrelationHeader) ?? $"case-{m.CaseId}", "exceptions");
        await handler.HandleAsync(tx, command, new Provenance(CausationId: context.MessageId?.ToString(), Actor: "exceptions"), context.CancellationToken);
    });

    /// <summary>How soon a case's function must respond: a critical case within a day, a low one within ten.</summary>
    public static (Priority Priority, int Days) BySeverity(string severity) => severity.ToLowerInvariant() switch
    {
        "critical" => (Priority.P1, 1),
        "high" => (Priority.P2, 2),
        "medium" => (Priority.P3, 5),
        _ => (Priority.P4, 10),
    };

    /// <summary>A message that waited in a queue still gives its owner the full time to respond.</summary>
    public static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);
}
