using ExecutionLayer.Exceptions.RegisteringSites;
using System.Text.RegularExpressions;
using ExecutionLayer.Store.Decisions;

namespace ExecutionLayer.Exceptions.Sites;

/// <summary>
/// A plant in the registry: its code (what every event, request and action names), its name, the time
/// zone its local dates are read in, and its default currency. One stream per site, so what the site was
/// on any day stays answerable; the registry publishes each state to every service.
/// </summary>
public sealed record Site(string Code, string Name, string TimeZone, string Currency, bool Registered) : IAggregate<Site, Site.Event>
{
    /// <summary>Everything that can happen to a site: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record Registered(string Code, string Name, string TimeZone, string Currency, string RegisteredBy, DateTimeOffset RegisteredAt) : Event;

        public sealed record Changed(string Code, string Name, string TimeZone, string Currency, string ChangedBy, DateTimeOffset ChangedAt) : Event;
    }

    public static string StreamType => "site";

    public const string StreamPrefix = "site-";

    public static Site Initial { get; } = new("", "", "", "", false);

    public static string StreamId(string code) => StreamPrefix + code;

    public Site Apply(Event @event) => @event switch
    {
        Event.Registered e => new Site(e.Code, e.Name, e.TimeZone, e.Currency, true),
        Event.Changed e => this with { Name = e.Name, TimeZone = e.TimeZone, Currency = e.Currency },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a site event."), // unreachable: the hierarchy is closed
    };
}

/// <summary>What a site is to be: the body of <c>PUT /sites/{code}</c> with its code, checked by <see cref="Check"/>.</summary>
public sealed partial record DescribeSite(string Code, string Name, string TimeZone, string Currency)
{
    public const string DefaultCurrency = "USD";

    /// <summary>The command when every part holds; otherwise null and what is wrong, by field.</summary>
    /// <remarks>
    /// Only IANA ids (America/Chicago): Windows names would resolve on some machines and not others, and a
    /// fixed offset would be wrong half the year.
    /// </remarks>
    public static DescribeSite? Check(string code, string? name, string? timeZone, string? currency, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (code.Length > 32 || !CodePattern().IsMatch(code))
            errors["code"] = ["Upper-case letters, digits and hyphens, starting with a letter, at most 32 (OH-DAYTON)."];
        if (string.IsNullOrWhiteSpace(name)) errors["name"] = ["Give the plant's name."];
        else if (name.Trim().Length > 100) errors["name"] = ["At most 100 characters."];
        if (string.IsNullOrWhiteSpace(timeZone) || !timeZone.Contains('/') && timeZone != "UTC"
            || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) || !zone.HasIanaId)
            errors["timeZone"] = [$"An IANA time zone id such as America/New_York or Europe/Berlin; '{timeZone}' is not one."];
        var money = string.IsNullOrWhiteSpace(currency) ? DefaultCurrency : currency.Trim().ToUpperInvariant();
        if (!CurrencyPattern().IsMatch(money)) errors["currency"] = ["An ISO 4217 code such as USD or EUR."];
        return errors.Count > 0 ? null : new DescribeSite(code, name!.Trim(), timeZone!, money);
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}

public static class SiteDecisions
{
    /// <summary>A new code registers the site; a known one changes what differs; the same description again is no change.</summary>
    public static IReadOnlyList<Site.Event> Describe(Site state, DescribeSite c, string by, DateTimeOffset now)
    {
        if (!state.Registered) return [new Site.Event.Registered(c.Code, c.Name, c.TimeZone, c.Currency, by, now)];
        if (state.Name == c.Name && state.TimeZone == c.TimeZone && state.Currency == c.Currency) return [];
        return [new Site.Event.Changed(c.Code, c.Name, c.TimeZone, c.Currency, by, now)];
    }

    /// <summary>A seed registers a site nobody has registered yet, and never overwrites one that was.</summary>
    public static IReadOnlyList<Site.Event> Seed(Site state, DescribeSite c, DateTimeOffset now) =>
        state.Registered ? [] : Describe(state, c, SiteSeed.Actor, now);
}
