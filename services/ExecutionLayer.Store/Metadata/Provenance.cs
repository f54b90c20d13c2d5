using System.Globalization;
using System.Text.Json;
using JasperFx.Events;
using Marten;

namespace ExecutionLayer.Store.Metadata;

/// <summary>
/// Who and what caused the events a session appends. <see cref="Actor"/> is who sent it (the signed caller,
/// or the service itself for timers and messages); <see cref="OnBehalfOf"/> the person a client acted for;
/// <see cref="TraceParent"/> the W3C trace the append happened in, so the outbox can continue that trace when
/// it publishes later; <see cref="OccurredAt"/> when it happened on the service's domain clock (the plant's
/// day, which a development clock may have moved), beside the database's recording time. Correlation and causation are Marten's own metadata; the rest travel as event headers,
/// which the ledger and the one-trace guarantee read back from every event, also in subscription pages.
/// </summary>
public sealed record Provenance(
    string? CorrelationId = null,
    string? CausationId = null,
    string? Actor = null,
    string? OnBehalfOf = null,
    string? Site = null,
    string? TraceParent = null,
    DateTimeOffset? OccurredAt = null)
{
    public static Provenance None { get; } = new();

    /// <summary>What a request's appends record: the caller the gateway signed, and the person it acts for — never a name from the body.</summary>
    public static Provenance Of(ServiceDefaults.Identity.Caller caller, string? causationId, string? site = null) =>
        new(CausationId: causationId, Actor: caller.Actor, OnBehalfOf: caller.OnBehalfOf, Site: site);

    /// <summary>What travels as event headers, by name; absent ones as null.</summary>
    internal IEnumerable<(string Name, string? Value)> Headers() =>
    [
        (ActorHeader, Actor), (OnBehalfOfHeader, OnBehalfOf), (SiteHeader, Site), (TraceParentHeader, TraceParent),
        (OccurredAtHeader, OccurredAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
    ];

    internal const string ActorHeader = "actor";
    internal const string OnBehalfOfHeader = "on-behalf-of";
    internal const string SiteHeader = "site";
    internal const string TraceParentHeader = "traceparent";
    internal const string OccurredAtHeader = "occurred-at";

    /// <summary>What a stored event says caused it.</summary>
    public static Provenance Of(IEvent e) => new(
        e.CorrelationId, e.CausationId, Header(e, ActorHeader), Header(e, OnBehalfOfHeader), Header(e, SiteHeader), Header(e, TraceParentHeader),
        When(e));

    private static DateTimeOffset? When(IEvent e) => e.GetHeader(OccurredAtHeader) switch
    {
        // Marten reads a header that looks like a date back as a DateTime in the machine's zone: the instant is what counts.
        DateTime { Kind: DateTimeKind.Unspecified } at => new DateTimeOffset(at, TimeSpan.Zero),
        DateTime at => new DateTimeOffset(at),
        DateTimeOffset at => at,
        _ => Header(e, OccurredAtHeader) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null,
    };

    // Headers come back from the database as JSON elements, and from the appending session as the strings set.
    private static string? Header(IEvent e, string name) => e.GetHeader(name) switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
        _ => null,
    };
}

public static class ProvenanceSession
{
    /// <summary>Stamps every event this session appends from here on with <paramref name="provenance"/>.</summary>
    public static IDocumentSession Record(this IDocumentSession session, Provenance provenance)
    {
        session.CorrelationId = provenance.CorrelationId;
        session.CausationId = provenance.CausationId;
        // Set even when absent: a session that appends for several causes in turn must not lend one cause's actor or site to the next.
        foreach (var (name, value) in provenance.Headers()) session.SetHeader(name, value!);
        return session;
    }
}

/// <summary>
/// An event that carries its own provenance, for a save that appends for several causes or times at once
/// (an intake batch: each fact happened at its own time on the floor). The session's own provenance must
/// then be left empty, or it is what Marten stamps on every event of the save.
/// </summary>
public static class Recorded
{
    public static IEvent With<T>(T data, Provenance provenance, Guid? id = null) where T : notnull
    {
        var e = new Event<T>(data) { CorrelationId = provenance.CorrelationId, CausationId = provenance.CausationId };
        if (id is { } given) e.Id = given;
        foreach (var (name, value) in provenance.Headers())
            if (value is not null) e.SetHeader(name, value);
        return e;
    }
}
