using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Reviews;

public sealed record OpenReview(Guid ReviewId, ReviewKind Kind, string Site, string Title, IReadOnlyList<string> Attendees, string OpenedBy);

/// <summary>The rules of a business review: opened once with its agenda, decisions only while open, closed once with its minutes.</summary>
public static class ReviewDecisions
{
    public static IReadOnlyList<Review.Event> Open(Review state, OpenReview c, Guid? previousReviewId, IReadOnlyList<AgendaKpi> kpis, IReadOnlyList<AgendaAction> carriedOver,
        DateTimeOffset now, IReadOnlyList<AgendaObjective>? redObjectives = null) =>
        state.Status != ReviewStatus.None
            ? state.Kind == c.Kind && state.Site == c.Site ? [] : throw new InvalidStateException($"Review {state.Id} already exists as a {state.Kind} review at {state.Site}.")
            : [new Review.Event.Opened(c.ReviewId, c.Kind, c.Site, c.Title, c.Attendees, previousReviewId, kpis, carriedOver, c.OpenedBy, now, redObjectives ?? [])];

    public static IReadOnlyList<Review.Event> RecordDecision(Review state, ReviewDecision decision)
    {
        RequireOpen(state, "record a decision in");
        return state.Decisions.Any(d => d.DecisionId == decision.DecisionId) ? []
            : [new Review.Event.DecisionRecorded(state.Id, decision.DecisionId, decision.Text, decision.ActionId, decision.Owner, decision.Due, decision.RecordedBy, decision.RecordedAt)];
    }

    /// <param name="zone">The site's time zone: the minutes' dates are the plant's, not the server's.</param>
    public static IReadOnlyList<Review.Event> Close(Review state, IReadOnlyDictionary<Guid, AgendaAction> actionsNow, string by, DateTimeOffset now, TimeZoneInfo? zone = null)
    {
        RequireOpen(state, "close");
        return [new Review.Event.Closed(state.Id, MinutesWriter.Write(state, actionsNow, now, zone ?? TimeZoneInfo.Utc), by, now)];
    }

    private static void RequireOpen(Review state, string what)
    {
        if (state.Status == ReviewStatus.None) throw new NotFoundException("There is no such review.");
        if (state.Status != ReviewStatus.Open) throw new InvalidStateException($"This review is {state.Status}; you cannot {what} it.");
    }
}
