using System.Globalization;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// What an approver is told about one decision, in the order they need it: what is asked and why, when the stage is due and what
/// happens then, under which policy and with whom; what changed since it was asked; what it touches — customers with their promise
/// dates, orders, lots, shipments, the value at risk, a recommendation's proposal. Built once, written two ways: as the decision
/// page (<see cref="ConfirmationPage"/>) and as the text of the notice a chat bridge posts (<see cref="NoticeText"/>), so the phone
/// and the chat say the same thing.
/// </summary>
public sealed record DecisionBrief(
    string Meta, string Title, string Ask, DecisionBrief.Section? Due, IReadOnlyList<DecisionBrief.Row> Who, DecisionBrief.Section? Drift,
    DecisionBrief.Touches? Affected, DecisionBrief.Section? Confirm)
{
    public sealed record Row(string Term, string Detail);

    /// <param name="Lead">Said first, in bold (a cleared deviation).</param>
    public sealed record Item(string Text, string? Lead = null);

    public sealed record Section(string Heading, string? Text, IReadOnlyList<Item> Items);

    public sealed record Customer(string Name, string Order, string Promised, string Value);

    /// <param name="Model">The system and model version that made the proposal, as the recommending client labels them — not who acts:
    /// who posted it is the request's signed requester (<see cref="Ask"/>).</param>
    public sealed record Proposal(string Model, IReadOnlyList<string> Actions, string? Expected);

    public sealed record Listed(string Label, IReadOnlyList<string> Items);

    public sealed record Touches(string Heading, string? Summary, Proposal? Proposal, IReadOnlyList<Customer> Customers, IReadOnlyList<Listed> Lists, string? ValueAtRisk);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="approver">Who the link or notice is for; <paramref name="onBehalfOf"/> when they fill another's seat.</param>
    /// <param name="contexts">The context as requested, now and what changed, for a request whose context has an owner (null: none has).</param>
    public static DecisionBrief Of(ApprovalRequest request, string approver, string? onBehalfOf, DateTimeOffset now, DecisionContexts? contexts = null)
    {
        var shown = contexts is { Live: true, Now: { } live } ? live : request.DecisionContext;
        var confirm = contexts is { NeedsConfirming.Count: > 0, LiveDigest: not null }
            ? new Section("Confirm on the data now", "The policy asks you to confirm on the data as it stands now, not as it was requested:",
                [.. contexts.NeedsConfirming.Select(r => new Item(r))])
            : null;
        return new DecisionBrief($"{request.Site} · {request.Subject.Type} · {request.Subject.Id}", request.Reason, AskOf(request), DueOf(request, now),
            WhoOf(request, approver, onBehalfOf), DriftOf(contexts), AffectedOf(shown, contexts is { Live: true } ? "What it touches now" : "What it touches"), confirm);
    }

    private static string AskOf(ApprovalRequest request) =>
        (request.Amount is { } amount ? string.Create(Invariant, $"{amount:N2} {request.Currency}") : $"Severity {request.Severity ?? "unstated"}")
        + $", asked by {request.Requester}{(request.RequestedBy is { } client ? $" through {client}" : "")} at {At(request.RequestedAt)}";

    /// <summary>When the stage is due and what follows: the next level of its escalation, or the request's expiry.</summary>
    private static Section? DueOf(ApprovalRequest request, DateTimeOffset now)
    {
        if (request.Stage is not { } stage) return null;
        var planned = request.Plan.FirstOrDefault(p => p.Index == stage.Index);
        var next = planned is not null && stage.Level < planned.Escalation.Count ? planned.Escalation[stage.Level] : null;
        var then = next is not null ? $"then it goes to {Name(next)}" : $"then it waits until the request expires at {At(request.ExpiresAt)}";
        return new Section($"Due {At(stage.DueAt)}", $"{Left(stage.DueAt - now)}; {then}.", []);
    }

    /// <summary>The policy, the stage's approvers and how many of them must approve, and whose seat this decides in.</summary>
    private static List<Row> WhoOf(ApprovalRequest request, string approver, string? onBehalfOf)
    {
        if (request.Stage is not { } stage) return [];
        var approvers = stage.Approvers.Select(a => stage.Votes.FirstOrDefault(v => string.Equals(v.Seat, a, StringComparison.OrdinalIgnoreCase)) is { } vote
            ? $"{a} ({vote.Verdict.ToString().ToLowerInvariant()}d)" : a);
        return
        [
            new("Policy", $"{request.PolicyId} v{request.PolicyVersion}"),
            new("Stage", $"{stage.Name} ({stage.Index + 1} of {request.Plan.Count}){(stage.Level > 0 ? $", escalated {stage.Level}×" : "")}"),
            new("Approvers", $"{string.Join(", ", approvers)} — {stage.Required} of {stage.Approvers.Count} needed"),
            new("You decide as", onBehalfOf is null ? approver : $"{approver} for {onBehalfOf}"),
        ];
    }

    /// <summary>What changed since the request: an approver must not decide on a picture that no longer holds without knowing.</summary>
    private static Section? DriftOf(DecisionContexts? contexts)
    {
        if (contexts is null) return null;
        if (!contexts.Live)
            return new Section("The data now could not be had", $"{contexts.Unavailable} You decide on the data as it was requested; the decision records that.", []);
        var d = contexts.Drift!;
        if (!d.Any) return new Section("Nothing has changed since it was requested", "Checked now with its owner.", []);
        var changes = new List<Item>();
        if (d.Cleared) changes.Add(new Item("what this decision was asked for may no longer be needed.", "The deviation has cleared"));
        if (d.ValueAtRiskThen != d.ValueAtRiskNow)
            changes.Add(new Item(FormattableString.Invariant($"Value at risk: {d.ValueAtRiskThen:N0} then, {d.ValueAtRiskNow:N0} now{(d.ValueAtRiskChangePercent is { } p ? $" ({p:+0.#;-0.#} %)" : "")}.")));
        void Listed(string what, IReadOnlyList<string> items) { if (items.Count > 0) changes.Add(new Item($"{what}: {string.Join(", ", items)}.")); }
        Listed("Customers now affected", d.CustomersAdded);
        Listed("Customers no longer affected", d.CustomersGone);
        Listed("Orders added", d.OrdersAdded);
        Listed("Orders no longer affected", d.OrdersGone);
        Listed("Shipments added", d.ShipmentsAdded);
        Listed("Shipments no longer affected", d.ShipmentsGone);
        return new Section("What changed since it was requested", null, changes);
    }

    /// <summary>
    /// What the decision touches, from the context's members as the services publish them (camelCase). A member of another shape
    /// stays in the JSON the page keeps behind a disclosure and the notice carries whole.
    /// </summary>
    private static Touches? AffectedOf(JsonElement context, string heading)
    {
        if (context.ValueKind != JsonValueKind.Object) return null;
        Proposal? proposal = null;
        if (Strings(context, "proposedActions") is { Count: > 0 } proposed)
        {
            var by = string.Join(" ", new[] { Text(context, "sourceSystem"), Text(context, "model"), Text(context, "modelVersion") }.OfType<string>());
            var expected = Text(context, "expectedEffect") is { } effect
                ? effect + (Number(context, "confidence") is { } c ? string.Create(Invariant, $" (confidence {c:0.##})") : "") : null;
            proposal = new Proposal(by, proposed, expected);
        }
        List<Customer> customers = context.TryGetProperty("commitments", out var commitments) && commitments.ValueKind == JsonValueKind.Array
            ? [.. commitments.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(c => new Customer(Text(c, "customer") ?? "", Text(c, "salesOrderId") ?? "",
                Text(c, "promiseDate") is { } p && DateTimeOffset.TryParse(p, Invariant, DateTimeStyles.AssumeUniversal, out var at) ? At(at) : "",
                Number(c, "value") is { } v ? string.Create(Invariant, $"{v:N0} {Text(c, "currency")}") : ""))]
            : [];
        List<Listed> lists = [.. new[] { ("productionOrders", "Production orders"), ("lots", "Lots"), ("shipments", "Shipments") }
            .Select(m => new Listed(m.Item2, Strings(context, m.Item1))).Where(l => l.Items.Count > 0)];
        var risk = Number(context, "valueAtRisk")?.ToString("N0", Invariant);
        var summary = Text(context, "caseSummary");
        return summary is null && proposal is null && customers.Count == 0 && lists.Count == 0 && risk is null
            ? null : new Touches(heading, summary, proposal, customers, lists, risk);
    }

    public static string At(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM HH:mm 'UTC'", Invariant);

    private static string Left(TimeSpan left) => left <= TimeSpan.Zero ? "Its time has passed"
        : left.TotalHours >= 48 ? string.Create(Invariant, $"In {left.TotalDays:0} days")
        : string.Create(Invariant, $"In {(int)left.TotalHours} h {left.Minutes} min");

    private static string Name(Policies.ApproverRef who) => who.Person ?? $"whoever holds {who.Role}";

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static decimal? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)] : [];
}
