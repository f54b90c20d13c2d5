using System.ComponentModel.DataAnnotations;
using ExecutionLayer.Exceptions.Sites;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.RegisteringSites;

/// <param name="TimeZone">An IANA time zone id (America/Chicago): where the site's weeks and review dates are read.</param>
/// <param name="Currency">ISO 4217; amounts at the site are in it when a request names none. USD when left out.</param>
public sealed record SiteBody([MaxLength(100)] string Name, [MaxLength(64)] string TimeZone, [MaxLength(3)] string? Currency = null);

public sealed record SiteView(string Code, string Name, string TimeZone, string Currency, long Version)
{
    public static SiteView Of(SiteEntry s) => new(s.Code, s.Name, s.TimeZone, s.Currency, s.Version);
}

/// <summary>The site a PUT left; <see cref="Changed"/> is false when it described the site as it already was.</summary>
public sealed record SitePut(SiteView Site, bool Changed);

/// <summary>What the site routes need: the request (its signed caller and correlation), the store and the registry's table.</summary>
public sealed record SiteRegistryServices(HttpContext Http, ServiceStore Store, SiteCatalog Catalog)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// The site registry: adding a plant is one call, and every service learns it from what the registry publishes.
/// Registering and changing a site takes the admin scope; anyone signed in reads the sites they may see.
/// </summary>
public static class SiteRegistryApi
{
    public static IEndpointRouteBuilder MapSiteRegistryApi(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/sites").WithTags("Sites");
        sites.MapPut("/{code}", PutAsync).Describe("PutSite", "Register a plant, or change its name, time zone or default currency (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);
        sites.MapGet("", ListAsync).Describe("ListSites", "The registered sites the caller may see");
        sites.MapGet("/{code}", GetAsync).Describe("GetSite", "One registered site").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<SitePut>, Ok<SitePut>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string code, SiteBody body, [AsParameters] SiteRegistryServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Has(Caller.AdminScope)) return Problem.Forbidden("Registering or changing a site needs the admin scope.");
        if (DescribeSite.Check(code, body.Name, body.TimeZone, body.Currency, out var errors) is not { } command)
            return Problem.Invalid(errors, "Invalid site");

        var now = services.Store.Clock.GetUtcNow();
        var written = await RegisteredSites.DescribeAsync(services.Store, services.Catalog, command,
            Provenance.Of(caller, services.Http.GetCorrelationId(), code), s => SiteDecisions.Describe(s, command, caller.Person, now), ct);
        var put = new SitePut(SiteView.Of(written.Site), written.Changed);
        return written.Registered ? TypedResults.Created($"/sites/{code}", put) : TypedResults.Ok(put);
    }

    public static async Task<Ok<SiteView[]>> ListAsync([AsParameters] SiteRegistryServices services, CancellationToken ct) =>
        TypedResults.Ok((await services.Catalog.AllAsync(ct)).Values.Where(s => services.Caller.Sees(s.Code))
            .OrderBy(s => s.Code, StringComparer.Ordinal).Select(SiteView.Of).ToArray());

    public static async Task<Results<Ok<SiteView>, ProblemHttpResult>> GetAsync(string code, [AsParameters] SiteRegistryServices services, CancellationToken ct) =>
        services.Caller.Sees(code) && await services.Catalog.FindAsync(code, ct) is { } site ? TypedResults.Ok(SiteView.Of(site))
        : Problem.NotFound($"No site {code}.");
}
