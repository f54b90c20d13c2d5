using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// The caller the gateway authenticated: who, what they may do, and which sites they may see.
/// Endpoints take it as a parameter; records of other sites are answered as if they did not exist.
/// </summary>
/// <param name="Actor">Who sent the request, as the gateway signed it: a person, or a machine client's key.</param>
/// <param name="Sites">The sites the caller may see; null for every site.</param>
public sealed record Caller(string Actor, IReadOnlySet<string> Scopes, IReadOnlyList<string>? Sites)
{
    public const string EverySite = "*";

    /// <summary>The scope that may do everything, including what only operators do.</summary>
    public const string AdminScope = "admin";

    /// <summary>
    /// The scope of a machine client that relays people's acts (an ERP posting a buyer's request, a chat
    /// bridge relaying an approver): it may name the person in <c>onBehalfOf</c>. Not implied by
    /// <see cref="AdminScope"/>: being allowed everything is not being someone else.
    /// </summary>
    public const string ActOnBehalfScope = "act-on-behalf";

    /// <summary>The person the <see cref="Actor"/> acts for, when a client holding <see cref="ActOnBehalfScope"/> named one.</summary>
    public string? OnBehalfOf { get; init; }

    /// <summary>Whose act this is: the person acted for, else the caller.</summary>
    public string Person => OnBehalfOf ?? Actor;

    /// <summary>
    /// The caller acting for <paramref name="person"/>: itself when no one (or itself) is named; null when
    /// it names someone else without <see cref="ActOnBehalfScope"/>.
    /// </summary>
    public Caller? ActingFor(string? person)
    {
        if (string.IsNullOrWhiteSpace(person) || IsSelf(person)) return this;
        return Has(ActOnBehalfScope) ? this with { OnBehalfOf = person.Trim() } : null;
    }

    /// <summary>Whether <paramref name="name"/> is this caller, or the person it acts for.</summary>
    public bool Is(string? name) => IsSelf(name) || name is not null && OnBehalfOf is not null && string.Equals(name.Trim(), OnBehalfOf, StringComparison.OrdinalIgnoreCase);

    private bool IsSelf(string? name) => name is not null && string.Equals(name.Trim(), Actor, StringComparison.OrdinalIgnoreCase);

    public bool Sees(string? site) => Sites is null || site is not null && Sites.Contains(site, StringComparer.Ordinal);

    /// <summary>For SQL <c>($n::text[] IS NULL OR site = ANY ($n))</c>: null when every site is visible.</summary>
    public string[]? SiteFilter => Sites?.ToArray();

    public bool Has(string scope) => Scopes.Contains(scope);

    /// <summary>The request's caller as it stands now: after the on-behalf filter, the caller acting for the person it names.</summary>
    public static Caller Of(HttpContext http) =>
        http.Features.Get<Caller>() ?? throw new InvalidOperationException("No verified caller: RequireGatewaySignature must run before the API.");

    /// <summary>Minimal-API binding: the identity the gateway-signature middleware verified.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext http) => ValueTask.FromResult(http.Features.Get<Caller>());

    public string ScopesHeader => string.Join(' ', Scopes.Order(StringComparer.Ordinal));

    public string SitesHeader => Sites is null ? EverySite : string.Join(',', Sites);

    public static IReadOnlySet<string> ParseScopes(string? header) =>
        (header ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<string>? ParseSites(string? header) =>
        header?.Trim() == EverySite ? null : (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}
