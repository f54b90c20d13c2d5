using System.ComponentModel.DataAnnotations;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.Governing;

/// <param name="OwnerRole">The role a change nobody granted is routed to, as an exception case (customer-service-lead…).</param>
/// <param name="SubjectType">The approval subject type whose policy decides changes to the field (promise-date-change…).</param>
/// <param name="FreeUpTo">For a date: how many days later a change may move it without a decision (none: every change needs one).</param>
public sealed record GovernFieldBody([MaxLength(100)] string OwnerRole, [MaxLength(100)] string SubjectType, decimal? FreeUpTo = null);

public sealed record GovernedFieldView(string Site, string Entity, string Field, string OwnerRole, string SubjectType, decimal? FreeUpTo, long Version)
{
    public static GovernedFieldView Of(GovernedFieldEntry e) => new(e.Site, e.Field.Entity, e.Field.Field, e.OwnerRole, e.SubjectType, e.FreeUpTo, e.Version);
}

/// <summary>The field a PUT left; <see cref="Changed"/> is false when it said what was already so.</summary>
public sealed record GovernedFieldPut(GovernedFieldView Field, bool Changed);

/// <summary>What the governed-field routes need: the request (its signed caller and correlation), the store, the tables and the site registry.</summary>
public sealed record GovernedFieldsServices(HttpContext Http, ServiceStore Store, GovernanceTables Tables, SiteCatalog Sites)
{
    public Caller Caller => Caller.Of(Http);
}

/// <summary>
/// Which fields are governed at a site, and how: configuration through the API, kept as each field's stream (who governed it,
/// when, with what policy). Governing and releasing take the admin scope; anyone who may read a site reads its fields.
/// </summary>
public static class GovernedFieldsApi
{
    public static IEndpointRouteBuilder MapGovernedFieldsApi(this IEndpointRouteBuilder app)
    {
        var fields = app.MapGroup("/governed-fields").WithTags("Governed fields");
        fields.MapPut("/{site}/{entity}/{field}", PutAsync).Describe("GovernField", "Govern a field at a site, or change how (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        fields.MapDelete("/{site}/{entity}/{field}", ReleaseAsync).Describe("ReleaseField", "Stop governing a field at a site (admin)")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        fields.MapGet("", ListAsync).Describe("ListGovernedFields", "The fields governed at the sites the caller may see (or at one)");
        return app;
    }

    public static async Task<Results<Created<GovernedFieldPut>, Ok<GovernedFieldPut>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string site, string entity, string field, GovernFieldBody body, [AsParameters] GovernedFieldsServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Has(Caller.AdminScope)) return Problem.Forbidden("Governing a field needs the admin scope.");
        if (await services.Sites.UnknownAsync([site], ct) is { } unknown) return Problem.NotFound(unknown);
        if (GovernableField.Find(entity, field) is not { } governable)
            return Problem.NotFound($"{entity}.{field} is not a field the intake reports; governable fields: {GovernableField.Names}.");
        if (GovernField.Check(site, governable, body.OwnerRole, body.SubjectType, body.FreeUpTo, out var errors) is not { } command)
            return Problem.Invalid(errors, "Invalid field governance");

        var now = services.Store.Clock.GetUtcNow();
        var (written, entry) = await WriteAsync(services, site, governable, s => FieldGovernanceDecisions.Govern(s, command, caller.Person, now), ct);
        var put = new GovernedFieldPut(GovernedFieldView.Of(entry), written.Events.Count > 0);
        return written.Events.Count > 0 && written.Version == written.Events.Count
            ? TypedResults.Created($"/governed-fields?site={site}", put) : TypedResults.Ok(put);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ReleaseAsync(
        string site, string entity, string field, [AsParameters] GovernedFieldsServices services, CancellationToken ct)
    {
        var caller = services.Caller;
        if (!caller.Has(Caller.AdminScope)) return Problem.Forbidden("Releasing a field needs the admin scope.");
        if (GovernableField.Find(entity, field) is not { } governable) return Problem.NotFound($"{entity}.{field} is not a governable field.");
        var now = services.Store.Clock.GetUtcNow();
        await WriteAsync(services, site, governable, s => FieldGovernanceDecisions.Release(s, site, governable, caller.Person, now), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<GovernedFieldView[]>> ListAsync(string? site, [AsParameters] GovernedFieldsServices services, CancellationToken ct) =>
        TypedResults.Ok((await services.Tables.AllAsync(ct)).Values.SelectMany(f => f)
            .Where(f => services.Caller.Sees(f.Site) && (site is null || f.Site == site))
            .OrderBy(f => f.Site, StringComparer.Ordinal).ThenBy(f => f.Field.Key, StringComparer.Ordinal).Select(GovernedFieldView.Of).ToArray());

    /// <summary>The one write path for a field's governance: decide on its stream, keep the table in the same transaction.</summary>
    private static async Task<(Decided<FieldGovernance, FieldGovernance.Event> Written, GovernedFieldEntry Entry)> WriteAsync(
        GovernedFieldsServices services, string site, GovernableField field, Func<FieldGovernance, IReadOnlyList<FieldGovernance.Event>> decide, CancellationToken ct)
    {
        var provenance = Provenance.Of(services.Caller, services.Http.GetCorrelationId(), site);
        var now = services.Store.Clock.GetUtcNow();
        await using var tx = await services.Store.BeginAsync(ct);
        var written = await tx.DecideAsync(FieldGovernance.StreamId(site, field), null, decide, _ => provenance, ct);
        if (written.Events.Count > 0) await services.Tables.KeepAsync(tx.Transaction, written.State, written.Version, now, ct);
        await tx.CommitAsync(ct);
        if (written.Events.Count > 0) services.Tables.Forget();
        var s = written.State;
        return (written, new GovernedFieldEntry(site, field, s.OwnerRole, s.SubjectType, s.FreeUpTo, written.Version, now));
    }
}
