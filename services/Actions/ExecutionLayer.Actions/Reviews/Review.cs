using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Actions.Reviews;

public enum ReviewKind { WeeklyOps, MonthlyQuality, QuarterlyBusinessReview }

public enum ReviewStatus { None, Open, Closed }

public sealed record AgendaKpi(string Kpi, string Name, decimal? Latest, string Unit, decimal Target, KpiStatus Status, TrendDirection Trend);

public sealed record AgendaAction(Guid ActionId, string Title, string Owner, DateTimeOffset Due, ActionStatus Status);

/// <summary>An objective the scorecard had in red when the review opened: its rolled score and what was flagged on it.</summary>
public sealed record AgendaObjective(string ObjectiveId, string Name, decimal? Score, IReadOnlyList<string> Flags);

public sealed record ReviewDecision(Guid DecisionId, string Text, Guid ActionId, string Owner, DateTimeOffset Due, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// What the meeting produced, generated when it closes: who attended, the KPIs reviewed, the decisions
/// with the actions they became, and the carried-over actions with their status at the close.
/// <see cref="TimeZone"/> is the site's, which the Markdown's dates are read in (minutes closed before sites had
/// time zones are UTC).
/// </summary>
public sealed record Minutes(
    Guid ReviewId, ReviewKind Kind, string Site, string Title, DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, IReadOnlyList<string> Attendees,
    IReadOnlyList<AgendaKpi> KpisReviewed, IReadOnlyList<ReviewDecision> Decisions, IReadOnlyList<AgendaAction> NewActions,
    IReadOnlyList<AgendaAction> CarriedOver, string Markdown, string TimeZone = "UTC", IReadOnlyList<AgendaObjective>? RedObjectives = null);

public sealed record Review(
    Guid Id, ReviewStatus Status, ReviewKind Kind, string Site, string Title, IReadOnlyList<string> Attendees, Guid? PreviousReviewId,
    IReadOnlyList<AgendaKpi> Kpis, IReadOnlyList<AgendaAction> CarriedOver, IReadOnlyList<ReviewDecision> Decisions, DateTimeOffset OpenedAt, Minutes? Minutes,
    IReadOnlyList<AgendaObjective>? RedObjectives = null)
    : IAggregate<Review, Review.Event>
{
    /// <summary>Everything that can happen to a business review: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        /// <summary>
        /// The agenda as it stood when the meeting opened: the scorecard's red objectives at the site (reviews opened before the
        /// scorecard have none), the site's KPIs in red or amber, and the open actions carried over.
        /// </summary>
        public sealed record Opened(
            Guid ReviewId, ReviewKind Kind, string Site, string Title, IReadOnlyList<string> Attendees, Guid? PreviousReviewId, IReadOnlyList<AgendaKpi> Kpis,
            IReadOnlyList<AgendaAction> CarriedOver, string OpenedBy, DateTimeOffset OpenedAt, IReadOnlyList<AgendaObjective>? RedObjectives = null) : Event;

        public sealed record DecisionRecorded(
            Guid ReviewId, Guid DecisionId, string Text, Guid ActionId, string Owner, DateTimeOffset Due, string RecordedBy, DateTimeOffset RecordedAt) : Event;

        public sealed record Closed(Guid ReviewId, Minutes Minutes, string ClosedBy, DateTimeOffset ClosedAt) : Event;
    }

    public static string StreamType => "review";

    public static Review Initial { get; } = new(Guid.Empty, ReviewStatus.None, ReviewKind.WeeklyOps, "", "", [], null, [], [], [], default, null);

    public static string StreamId(Guid reviewId) => $"review-{reviewId}";

    public Review Apply(Event @event) => @event switch
    {
        Event.Opened e => this with
        {
            Id = e.ReviewId, Status = ReviewStatus.Open, Kind = e.Kind, Site = e.Site, Title = e.Title, Attendees = e.Attendees,
            PreviousReviewId = e.PreviousReviewId, Kpis = e.Kpis, CarriedOver = e.CarriedOver, OpenedAt = e.OpenedAt, RedObjectives = e.RedObjectives ?? [],
        },
        Event.DecisionRecorded e => this with
        {
            Decisions = [.. Decisions, new ReviewDecision(e.DecisionId, e.Text, e.ActionId, e.Owner, e.Due, e.RecordedBy, e.RecordedAt)],
        },
        Event.Closed e => this with { Status = ReviewStatus.Closed, Minutes = e.Minutes },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a review event."), // unreachable: the hierarchy is closed
    };
}
