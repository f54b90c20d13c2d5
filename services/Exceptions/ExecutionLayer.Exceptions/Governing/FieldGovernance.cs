using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Governing;

/// <summary>
/// Whether one field is governed at one site, and how: a change to it goes to the approval policy for <see cref="SubjectType"/>
/// unless it is a date moved later by at most <see cref="FreeUpTo"/> days; a change the ERP reports with no grant behind it
/// opens an exception routed to <see cref="OwnerRole"/>. One stream per site and field, so what was governed on any day, and
/// who said so, stays answerable.
/// </summary>
public sealed record FieldGovernance(string Site, string Entity, string Field, string OwnerRole, string SubjectType, decimal? FreeUpTo, bool Governed)
    : IAggregate<FieldGovernance, FieldGovernance.Event>
{
    /// <summary>Everything that can happen to a field's governance: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record Governed(
            string Site, string Entity, string Field, string OwnerRole, string SubjectType, decimal? FreeUpTo, string By, DateTimeOffset At) : Event;

        /// <summary>No longer governed: its changes need no request, and nothing the ERP reports of it is an exception.</summary>
        public sealed record Released(string Site, string Entity, string Field, string By, DateTimeOffset At) : Event;
    }

    public static string StreamType => "governed-field";

    public const string StreamPrefix = "governed-field-";

    public static FieldGovernance Initial { get; } = new("", "", "", "", "", null, false);

    public static string StreamId(string site, GovernableField field) => $"{StreamPrefix}{site}/{field.Key}";

    public FieldGovernance Apply(Event @event) => @event switch
    {
        Event.Governed e => new FieldGovernance(e.Site, e.Entity, e.Field, e.OwnerRole, e.SubjectType, e.FreeUpTo, true),
        Event.Released => this with { Governed = false },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a field governance event."), // unreachable: the hierarchy is closed
    };
}

/// <summary>How a field is to be governed at a site: the body of <c>PUT /governed-fields/{site}/{entity}/{field}</c>, checked.</summary>
public sealed record GovernField(string Site, GovernableField Field, string OwnerRole, string SubjectType, decimal? FreeUpTo)
{
    /// <summary>The command when every part holds; otherwise null and what is wrong, by field.</summary>
    public static GovernField? Check(string site, GovernableField field, string? ownerRole, string? subjectType, decimal? freeUpTo, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (string.IsNullOrWhiteSpace(ownerRole)) errors["ownerRole"] = ["Name the role a change nobody granted is routed to (customer-service-lead…)."];
        if (string.IsNullOrWhiteSpace(subjectType)) errors["subjectType"] = ["Name the approval subject type whose policy decides changes (promise-date-change…)."];
        if (freeUpTo is not null && field.Kind != FieldKind.Date) errors["freeUpTo"] = [$"{field.Key} is not a date: every change to it needs a decision."];
        else if (freeUpTo is < 0) errors["freeUpTo"] = ["Days later a change may move the date without a decision: 0 or more."];
        return errors.Count > 0 ? null : new GovernField(site, field, ownerRole!.Trim(), subjectType!.Trim(), freeUpTo);
    }
}

public static class FieldGovernanceDecisions
{
    /// <summary>Governed as asked; the same again is no change.</summary>
    public static IReadOnlyList<FieldGovernance.Event> Govern(FieldGovernance state, GovernField c, string by, DateTimeOffset now) =>
        state.Governed && state.OwnerRole == c.OwnerRole && state.SubjectType == c.SubjectType && state.FreeUpTo == c.FreeUpTo
            ? []
            : [new FieldGovernance.Event.Governed(c.Site, c.Field.Entity, c.Field.Field, c.OwnerRole, c.SubjectType, c.FreeUpTo, by, now)];

    public static IReadOnlyList<FieldGovernance.Event> Release(FieldGovernance state, string site, GovernableField field, string by, DateTimeOffset now) =>
        state.Governed ? [new FieldGovernance.Event.Released(site, field.Entity, field.Field, by, now)]
        : throw new NotFoundException($"{field.Key} is not governed at {site}.");
}
