using ExecutionLayer.EventSourcing.Decisions;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>Pure decisions over an exception case: time and ids come in, events come out.</summary>
public static class CaseDecisions
{
    public static IReadOnlyList<object> Open(ExceptionCase state, Guid caseId, CaseKind kind, string site, string triggerKey, string subject, string summary, DateTimeOffset now) =>
        state.Status == CaseStatus.None
            ? [new CaseOpened(caseId, kind, site, triggerKey, subject, summary, now)]
            : throw new InvalidStateException($"Case {state.Id} is already open.");

    /// <summary>Records a (re-)assessment only when the picture changed, with what changed.</summary>
    public static IReadOnlyList<object> Assess(ExceptionCase state, Impact impact, DateTimeOffset now)
    {
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be re-assessed.");
        if (state.Status != CaseStatus.Open && impact.IsSameAs(state.Impact)) return [];
        return [new ImpactAssessed(state.Id, impact, SeverityOf(state.Kind, impact, now), impact.ChangeFrom(state.Impact), now)];
    }

    /// <summary>Routes to every function the table names that is not already acting on the case.</summary>
    public static IReadOnlyList<object> Route(ExceptionCase state, RoutingTable routing, DateTimeOffset now)
    {
        if (!state.IsOpen) throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be routed.");
        var functions = routing.FunctionsFor(state.Site, state.Kind, state.Severity)
            .Where(f => state.RoutedTo.All(r => r.Function != f.Function)).ToArray();
        return functions.Length == 0 ? [] : [new CaseRouted(state.Id, functions, state.Severity, state.Impact, now)];
    }

    public static IReadOnlyList<object> RecordHold(ExceptionCase state, string holdId, string lotId, IReadOnlyList<string> lots,
        IReadOnlyList<string> blockedOrders, IReadOnlyList<string> blockedShipments, DateTimeOffset raisedAt, DateTimeOffset now) =>
        state.Kind == CaseKind.QualityHold && state.IsOpen
            ? [new HoldPropagated(state.Id, holdId, lotId, lots, blockedOrders, blockedShipments, raisedAt, now)]
            : throw new InvalidStateException($"Case {state.Id} is not an open quality-hold case.");

    public static IReadOnlyList<object> Resolve(ExceptionCase state, string reason, DateTimeOffset now) =>
        state.IsOpen ? [new CaseResolved(state.Id, reason, now)] : throw new InvalidStateException($"Case {state.Id} is {state.Status}; it cannot be resolved.");

    /// <summary>
    /// Customer exposure decides: a commitment due within two days or ≥ 100k at risk is critical, any
    /// customer commitment high, production-only medium, nothing touched low.
    /// </summary>
    public static Severity SeverityOf(CaseKind kind, Impact impact, DateTimeOffset now)
    {
        if (impact.Commitments.Any(c => c.PromiseDate - now <= TimeSpan.FromDays(2)) || impact.ValueAtRisk >= 100_000m) return Severity.Critical;
        if (impact.Commitments.Count > 0) return Severity.High;
        if (impact.ProductionOrders.Count > 0 || impact.Shipments.Count > 0 || kind == CaseKind.QualityHold) return Severity.Medium;
        return Severity.Low;
    }
}
