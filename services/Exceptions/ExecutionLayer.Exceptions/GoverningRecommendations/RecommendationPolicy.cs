using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Npgsql;

namespace ExecutionLayer.Exceptions.GoverningRecommendations;

/// <summary>
/// A site's rule for one kind of proposed action: how much of it a recommendation may carry, and how sure it must be, to be
/// accepted without a person; and which approval subject type decides it otherwise. One stream per site and kind, so the rule in
/// force when a recommendation was accepted — its version is in the acceptance — and who set it stay answerable.
/// </summary>
public sealed record RecommendationPolicy(string Site, ProposedActionKind Kind, decimal? AutoAcceptUpTo, decimal? MinConfidence, string SubjectType, bool InForce)
    : IAggregate<RecommendationPolicy, RecommendationPolicy.Event>
{
    /// <summary>Everything that can happen to a rule: nothing outside this record can add a case.</summary>
    public abstract record Event
    {
        private Event() { }

        public sealed record RuleSet(
            string Site, ProposedActionKind Kind, decimal? AutoAcceptUpTo, decimal? MinConfidence, string SubjectType, string By, DateTimeOffset At) : Event;

        /// <summary>No rule for the kind: every recommendation proposing it goes to people, under the default subject type.</summary>
        public sealed record RuleRemoved(string Site, ProposedActionKind Kind, string By, DateTimeOffset At) : Event;
    }

    public static string StreamType => "recommendation-policy";

    // Not "recommendation-…": that prefix names the recommendations themselves, and a key names one kind of stream.
    public const string StreamPrefix = "policy-for-recommendations-";

    public static RecommendationPolicy Initial { get; } = new("", ProposedActionKind.FreeText, null, null, "", false);

    public static string StreamId(string site, ProposedActionKind kind) => $"{StreamPrefix}{site}/{ProposedAction.Slugs[kind]}";

    public RecommendationPolicy Apply(Event @event) => @event switch
    {
        Event.RuleSet e => new RecommendationPolicy(e.Site, e.Kind, e.AutoAcceptUpTo, e.MinConfidence, e.SubjectType, true),
        Event.RuleRemoved => this with { InForce = false },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event, "Not a recommendation policy event."), // unreachable: the hierarchy is closed
    };
}

/// <summary>A rule as <c>PUT /recommendation-policies/{site}/{kind}</c> asks for it, checked.</summary>
public sealed record SetRecommendationRule(string Site, ProposedActionKind Kind, decimal? AutoAcceptUpTo, decimal? MinConfidence, string SubjectType)
{
    public static SetRecommendationRule? Check(string site, ProposedActionKind kind, decimal? upTo, decimal? minConfidence, string? subjectType, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (upTo is < 0) errors["autoAcceptUpTo"] = ["The most a recommendation's actions of this kind may cost to be accepted without a person: 0 or more, or left out for never."];
        if (minConfidence is < 0 or > 1) errors["minConfidence"] = ["From 0 to 1."];
        if (subjectType is { } given && (string.IsNullOrWhiteSpace(given) || given.Length > 100)) errors["subjectType"] = ["An approval subject type (recommendation.add-overtime), or left out for that default."];
        return errors.Count > 0 ? null
            : new SetRecommendationRule(site, kind, upTo, minConfidence, subjectType?.Trim() ?? RecommendationRule.DefaultSubjectType(kind));
    }
}

public static class RecommendationPolicyDecisions
{
    /// <summary>Set as asked; the same again is no change (and no new version).</summary>
    public static IReadOnlyList<RecommendationPolicy.Event> Set(RecommendationPolicy state, SetRecommendationRule c, string by, DateTimeOffset now) =>
        state.InForce && state.AutoAcceptUpTo == c.AutoAcceptUpTo && state.MinConfidence == c.MinConfidence && state.SubjectType == c.SubjectType ? []
        : [new RecommendationPolicy.Event.RuleSet(c.Site, c.Kind, c.AutoAcceptUpTo, c.MinConfidence, c.SubjectType, by, now)];

    public static IReadOnlyList<RecommendationPolicy.Event> Remove(RecommendationPolicy state, string site, ProposedActionKind kind, string by, DateTimeOffset now) =>
        state.InForce ? [new RecommendationPolicy.Event.RuleRemoved(site, kind, by, now)]
        : throw new NotFoundException($"No rule for {ProposedAction.Slugs[kind]} at {site}.");
}

/// <summary>The rules in force, kept beside their streams in the transaction that set them; read by every recommendation received.</summary>
public sealed class RecommendationRules(ServiceStore store)
{
    private readonly string _s = store.Schema;

    public static string Create(string s) => $"""
        CREATE TABLE IF NOT EXISTS {s}.recommendation_rules (
            site text NOT NULL, kind text NOT NULL, auto_accept_up_to numeric NULL, min_confidence numeric NULL, subject_type text NOT NULL,
            version bigint NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (site, kind));
        """;

    public async Task<IReadOnlyDictionary<ProposedActionKind, RecommendationRule>> AtAsync(NpgsqlTransaction tx, string site, CancellationToken ct)
    {
        await using var command = Sql.Command(tx, $"""
            SELECT site, kind, auto_accept_up_to, min_confidence, subject_type, version FROM {_s}.recommendation_rules WHERE site = $1
            """, [site]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rules = new Dictionary<ProposedActionKind, RecommendationRule>();
        while (await reader.ReadAsync(ct))
        {
            var rule = Read(reader);
            rules[rule.Kind] = rule;
        }
        return rules;
    }

    public Task<List<RecommendationRule>> AllAsync(string? site, string[]? visible, CancellationToken ct) => Sql.ListAsync(store.DataSource, $"""
        SELECT site, kind, auto_accept_up_to, min_confidence, subject_type, version FROM {_s}.recommendation_rules
        WHERE ($1::text IS NULL OR site = $1) AND ($2::text[] IS NULL OR site = ANY($2)) ORDER BY site, kind
        """, Read, ct, Sql.Text(site), Sql.Texts(visible));

    public Task KeepAsync(NpgsqlTransaction tx, RecommendationPolicy state, long version, DateTimeOffset now, CancellationToken ct) => state.InForce
        ? Sql.ExecAsync(tx, $"""
            INSERT INTO {_s}.recommendation_rules (site, kind, auto_accept_up_to, min_confidence, subject_type, version, updated_at)
            VALUES ($1, $2, $3::numeric, $4::numeric, $5, $6, $7)
            ON CONFLICT (site, kind) DO UPDATE SET auto_accept_up_to = EXCLUDED.auto_accept_up_to, min_confidence = EXCLUDED.min_confidence,
                subject_type = EXCLUDED.subject_type, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            """, ct, state.Site, state.Kind.ToString(), state.AutoAcceptUpTo, state.MinConfidence, state.SubjectType, version, now)
        : Sql.ExecAsync(tx, $"DELETE FROM {_s}.recommendation_rules WHERE site = $1 AND kind = $2", ct, state.Site, state.Kind.ToString());

    private static RecommendationRule Read(NpgsqlDataReader r) => new(r.GetString(0), Enum.Parse<ProposedActionKind>(r.GetString(1)),
        r.IsDBNull(2) ? null : r.GetDecimal(2), r.IsDBNull(3) ? null : r.GetDecimal(3), r.GetString(4), r.GetInt64(5));
}
