using System.Globalization;
using System.Text.Json.Serialization;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Exceptions.Recommendations;

/// <summary>What a planning or AI system may propose: the moves a planner makes when the plan breaks, or anything else in words.</summary>
public enum ProposedActionKind { ExpeditePurchaseOrder, ResequenceProductionOrder, ReallocateLot, AddOvertime, ReleaseHold, FreeText }

/// <summary>
/// One proposed action. Each kind names its subject and what is to change (what is derived from them — its title, subject, owning
/// function — is not part of its JSON: not asked for, not stored):
/// <list type="bullet">
/// <item>expeditePurchaseOrder: <see cref="PurchaseOrderId"/> to arrive by <see cref="NeedBy"/>;</item>
/// <item>resequenceProductionOrder: <see cref="ProductionOrderId"/> to start at <see cref="PlannedStart"/> (on <see cref="WorkCenter"/>, if it moves);</item>
/// <item>reallocateLot: <see cref="LotId"/> (its <see cref="Quantity"/>, or all of it) to <see cref="ToProductionOrderId"/>;</item>
/// <item>addOvertime: <see cref="Hours"/> on <see cref="WorkCenter"/> on the day <see cref="On"/>;</item>
/// <item>releaseHold: <see cref="HoldId"/>;</item>
/// <item>freeText: <see cref="Text"/>, owned by <see cref="Function"/>.</item>
/// </list>
/// <see cref="Cost"/> is what it costs (freight, overtime pay) in the recommendation's currency: the amount the policy and the
/// approvers weigh.
/// </summary>
public sealed record ProposedAction(
    ProposedActionKind Kind, string? PurchaseOrderId = null, string? ProductionOrderId = null, string? LotId = null, string? HoldId = null,
    string? WorkCenter = null, string? ToProductionOrderId = null, DateTimeOffset? NeedBy = null, DateTimeOffset? PlannedStart = null,
    DateTimeOffset? On = null, decimal? Quantity = null, decimal? Hours = null, decimal? Cost = null, [FreeText] string? Text = null, string? Function = null)
{
    /// <summary>The kind as approval subject types and ERP commands spell it (add-overtime).</summary>
    [JsonIgnore]
    public string Slug => Slugs[Kind];

    public static IReadOnlyDictionary<ProposedActionKind, string> Slugs { get; } = new Dictionary<ProposedActionKind, string>
    {
        [ProposedActionKind.ExpeditePurchaseOrder] = "expedite-purchase-order",
        [ProposedActionKind.ResequenceProductionOrder] = "resequence-production-order",
        [ProposedActionKind.ReallocateLot] = "reallocate-lot",
        [ProposedActionKind.AddOvertime] = "add-overtime",
        [ProposedActionKind.ReleaseHold] = "release-hold",
        [ProposedActionKind.FreeText] = "free-text",
    };

    /// <summary>Whether the ERP holds what it changes (a free-text action changes nothing there by itself).</summary>
    [JsonIgnore]
    public bool ChangesErpData => Kind != ProposedActionKind.FreeText;

    [JsonIgnore]
    public decimal CostOrZero => Cost ?? 0m;

    /// <summary>The time the kind names: when a purchase order must arrive, when an order starts, the overtime's day.</summary>
    [JsonIgnore]
    public DateTimeOffset? At => NeedBy ?? PlannedStart ?? On;

    /// <summary>As an approver changed it: a lower cost, fewer hours, a smaller quantity, another time.</summary>
    public ProposedAction Amended(ActionAmendment a) => this with
    {
        Cost = a.Cost ?? Cost, Hours = a.Hours ?? Hours, Quantity = a.Quantity ?? Quantity,
        NeedBy = NeedBy is null ? null : a.At ?? NeedBy, PlannedStart = PlannedStart is null ? null : a.At ?? PlannedStart, On = On is null ? null : a.At ?? On,
    };

    /// <summary>The one function that owns the action: the planner's moves go to planning, a purchase order to procurement, a hold to quality.</summary>
    [JsonIgnore]
    public string OwningFunction => Kind switch
    {
        ProposedActionKind.ExpeditePurchaseOrder => "procurement",
        ProposedActionKind.ReleaseHold => "quality",
        ProposedActionKind.FreeText => Function ?? "production-planning",
        _ => "production-planning",
    };

    /// <summary>How soon it must be done: a move that keeps a promise is done the same or the next day; words get three.</summary>
    [JsonIgnore]
    public int DueInDays => Kind == ProposedActionKind.FreeText ? 3 : 1;

    [JsonIgnore]
    public string Title => Kind switch
    {
        ProposedActionKind.ExpeditePurchaseOrder => $"Expedite purchase order {PurchaseOrderId} to arrive by {Day(NeedBy)}",
        ProposedActionKind.ResequenceProductionOrder =>
            $"Re-sequence production order {ProductionOrderId} to start {Moment(PlannedStart)}{(WorkCenter is null ? "" : $" on {WorkCenter}")}",
        ProposedActionKind.ReallocateLot =>
            $"Reallocate {(Quantity is { } q ? q.ToString("0.###", CultureInfo.InvariantCulture) + " of " : "")}lot {LotId} to production order {ToProductionOrderId}",
        ProposedActionKind.AddOvertime => $"Add {Hours?.ToString("0.##", CultureInfo.InvariantCulture)} h overtime on {WorkCenter} on {Day(On)}",
        ProposedActionKind.ReleaseHold => $"Release quality hold {HoldId}",
        _ => Text is { Length: > 120 } words ? words[..117] + "…" : Text ?? "",
    };

    /// <summary>The subject the action is about, as the ledger names subjects (purchase-order/PO-4410); none for words.</summary>
    [JsonIgnore]
    public string? Subject => Kind switch
    {
        ProposedActionKind.ExpeditePurchaseOrder => $"purchase-order/{PurchaseOrderId}",
        ProposedActionKind.ResequenceProductionOrder => $"production-order/{ProductionOrderId}",
        ProposedActionKind.ReallocateLot => $"lot/{LotId}",
        ProposedActionKind.AddOvertime => $"work-center/{WorkCenter}",
        ProposedActionKind.ReleaseHold => $"hold/{HoldId}",
        _ => null,
    };

    /// <summary>Each field the kind needs, and none it does not, so what is proposed is read one way only.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Need(object? value, string name, string what) { if (value is null || value is string s && string.IsNullOrWhiteSpace(s)) problems.Add($"{name}: {what}."); }
        switch (Kind)
        {
            case ProposedActionKind.ExpeditePurchaseOrder:
                Need(PurchaseOrderId, "purchaseOrderId", "which purchase order");
                Need(NeedBy, "needBy", "when it must arrive (ISO-8601)");
                break;
            case ProposedActionKind.ResequenceProductionOrder:
                Need(ProductionOrderId, "productionOrderId", "which production order");
                Need(PlannedStart, "plannedStart", "when it is to start (ISO-8601)");
                break;
            case ProposedActionKind.ReallocateLot:
                Need(LotId, "lotId", "which lot");
                Need(ToProductionOrderId, "toProductionOrderId", "the production order that is to get it");
                if (Quantity is <= 0) problems.Add("quantity: more than 0, or left out for the whole lot.");
                break;
            case ProposedActionKind.AddOvertime:
                Need(WorkCenter, "workCenter", "where");
                Need(On, "on", "the day (ISO-8601)");
                if (Hours is not (> 0 and <= 24)) problems.Add("hours: more than 0 and at most 24.");
                break;
            case ProposedActionKind.ReleaseHold:
                Need(HoldId, "holdId", "which quality hold");
                break;
            case ProposedActionKind.FreeText:
                Need(Text, "text", "what is to be done, in words");
                Need(Function, "function", "the function that owns it (procurement, production-planning, quality, logistics, maintenance, customer-service)");
                break;
        }
        if (Cost is < 0) problems.Add("cost: 0 or more.");
        return problems;
    }

    private static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string Moment(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";
}

/// <summary>
/// What the recommending system expects to come of it — a KPI moved by <see cref="Change"/> (in the KPI's unit, signed as the
/// KPI moves: −1.5 for scrap down by 1.5 points) within <see cref="WithinDays"/> of the actions' closure, or a promise kept: the
/// sales order shipped by its promise date.
/// </summary>
public sealed record ExpectedEffect(string? Kpi = null, decimal? Change = null, int? WithinDays = null, string? SalesOrderId = null)
{
    [JsonIgnore]
    public bool IsPromise => SalesOrderId is not null;

    public string Describe() => IsPromise ? $"sales order {SalesOrderId} shipped by its promise date"
        : string.Create(CultureInfo.InvariantCulture,
            $"{Kpi} {(Change >= 0 ? "+" : "")}{Change:0.####} within {(WithinDays is { } days ? $"{days} days" : "the site's verification window")}");

    public IReadOnlyList<string> Problems()
    {
        if (Kpi is null == SalesOrderId is null) return ["expectedEffect: either a kpi with its change, or the salesOrderId whose promise is to be kept."];
        if (IsPromise) return [];
        var problems = new List<string>();
        if (!KpiCode.IsMatch(Kpi!)) problems.Add("expectedEffect.kpi: a KPI code (on-time-delivery, flow.release-to-start).");
        if (Change is null or 0) problems.Add("expectedEffect.change: how much the KPI is expected to move, signed as it moves (not 0).");
        if (WithinDays is < 1 or > 365) problems.Add("expectedEffect.withinDays: from 1 to 365, or left out for the site's verification window.");
        return problems;
    }

    private static readonly System.Text.RegularExpressions.Regex KpiCode = new("^[a-z0-9][a-z0-9.-]{0,62}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}

/// <summary>An approver's change to one proposed action, by its place: left out, or less of it, or at another time.</summary>
public sealed record ActionAmendment(int Index, bool Drop, decimal? Cost, decimal? Hours, decimal? Quantity, DateTimeOffset? At);

/// <summary>Who proposed it: the system, its model and the model's version (a copilot on gpt-x 2026-11, a solver's release).</summary>
public sealed record RecommendationSource(string System, string Model, string ModelVersion);

/// <summary>Data or a link the recommendation rests on.</summary>
public sealed record RecommendationEvidence(string Label, string? Value = null, string? Url = null);
