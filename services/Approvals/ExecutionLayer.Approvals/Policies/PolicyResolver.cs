namespace ExecutionLayer.Approvals.Policies;

/// <summary>A policy at the version a request was resolved with.</summary>
public sealed record PolicyVersion(string PolicyId, int Version, PolicyDefinition Definition);

/// <summary>What a request offers the policies to match on.</summary>
public sealed record RequestTerms(string SubjectType, string Site, decimal? Amount, string? Currency, string? Severity);

/// <summary>
/// Picks the policy that governs a request: of those that match, a site's own policy overrides the
/// corporate defaults; among equals the highest amount tier wins, then the policy id (so the choice
/// never depends on row order).
/// </summary>
public static class PolicyResolver
{
    public static PolicyVersion? Choose(IEnumerable<PolicyVersion> policies, RequestTerms terms) => policies
        .Where(p => p.Definition.Site is null || p.Definition.Site == terms.Site)
        .Where(p => Matches(p.Definition.Match, terms))
        .OrderByDescending(p => p.Definition.Site is not null)
        .ThenByDescending(p => p.Definition.Match.MinAmount ?? decimal.MinValue)
        .ThenBy(p => p.PolicyId, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>The stages that apply at this amount, in order.</summary>
    public static IReadOnlyList<StageRule> StagesFor(PolicyDefinition definition, decimal? amount) =>
        [.. definition.Stages.Where(s => s.MinAmount is null || amount >= s.MinAmount)];

    private static bool Matches(PolicyMatch match, RequestTerms terms)
    {
        if (!match.SubjectTypes.Contains(terms.SubjectType, StringComparer.OrdinalIgnoreCase)) return false;
        if (match.MinAmount is not null || match.MaxAmount is not null)
        {
            if (terms.Amount is not { } amount || !string.Equals(terms.Currency, match.Currency, StringComparison.OrdinalIgnoreCase)) return false;
            if (amount < match.MinAmount || amount >= match.MaxAmount) return false;
        }
        return match.Severities is not { Count: > 0 } || (terms.Severity is not null && match.Severities.Contains(terms.Severity, StringComparer.OrdinalIgnoreCase));
    }
}
