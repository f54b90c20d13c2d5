using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Identity;

/// <summary>
/// The caller the gateway authenticated: who, what they may do, and which sites they may see.
/// Endpoints take it as a parameter; records of other sites are answered as if they did not exist.
/// </summary>
/// <param name="Sites">The sites the caller may see; null for every site.</param>
public sealed record Caller(string Actor, IReadOnlySet<string> Scopes, IReadOnlyList<string>? Sites)
{
    public const string EverySite = "*";

    /// <summary>The scope that may do everything, including what only operators do.</summary>
    public const string AdminScope = "admin";

    public bool Sees(string? site) => Sites is null || site is not null && Sites.Contains(site, StringComparer.Ordinal);

    /// <summary>For SQL <c>($n::text[] IS NULL OR site = ANY ($n))</c>: null when every site is visible.</summary>
    public string[]? SiteFilter => Sites?.ToArray();

    public bool Has(string scope) => Scopes.Contains(scope);

    /// <summary>Minimal-API binding: the identity the gateway-signature middleware verified.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext http) => ValueTask.FromResult(http.Features.Get<Caller>());

    public string ScopesHeader => string.Join(' ', Scopes.Order(StringComparer.Ordinal));

    public string SitesHeader => Sites is null ? EverySite : string.Join(',', Sites);

    public static IReadOnlySet<string> ParseScopes(string? header) =>
        (header ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<string>? ParseSites(string? header) =>
        header?.Trim() == EverySite ? null : (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}
