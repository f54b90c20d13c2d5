using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.Json;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

/// <summary>A page of entries; <see cref="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
internal sealed record EntriesPage(IReadOnlyList<EntryView> Entries, long? Next);

/// <summary>The ledger's entries by subject, actor, site, correlation, type and time: a page at a time, or every match as NDJSON.</summary>
internal static class EntriesApi
{
    public const string NdJson = "application/x-ndjson";

    public static IEndpointRouteBuilder MapEntriesApi(this IEndpointRouteBuilder app)
    {
        var entries = app.MapGroup("/audit/entries").WithTags("Audit");
        entries.MapGet("", ListAsync).Describe("ListLedgerEntries", "Entries a keyset page at a time (after=), or every match as NDJSON")
            .QueryValues("format", "json", "ndjson")
            .Produces<EntryView>(StatusCodes.Status200OK, NdJson).WithParameterLimit("subject", EntryFilter.MaxSubjectLength);
        entries.MapGet("/{sequence:long}", GetAsync).Describe("GetLedgerEntry", "One entry with its hashes").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="after">The ledger sequence after which the page starts: the previous page's <c>next</c>.</param>
    /// <param name="format"><c>ndjson</c> streams every match (as <c>Accept: application/x-ndjson</c> asks).</param>
    public static async Task<Results<Ok<EntriesPage>, EmptyHttpResult, ValidationProblem>> ListAsync(
        HttpContext http, string? subject, string? actor, string? site, string? correlationId, string? eventType, DateTimeOffset? from, DateTimeOffset? to,
        long? after, int? limit, string? format, Caller caller, NpgsqlDataSource db, AuditOptions options, CancellationToken ct)
    {
        var filter = new EntryFilter(subject, actor, site, correlationId, eventType, from, to, caller.SiteFilter);
        var errors = filter.Problems();
        if (limit is { } l && (l < 1 || l > options.MaxPageSize)) errors["limit"] = [$"Between 1 and {options.MaxPageSize}."];
        if (after is < 0) errors["after"] = ["A ledger sequence, 0 or more."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        if (format == "ndjson" || http.Request.Headers.Accept.Any(a => a?.Contains(NdJson, StringComparison.OrdinalIgnoreCase) == true))
        {
            await StreamAsync(http, filter, after ?? 0, db, options, ct);
            return TypedResults.Empty;
        }
        var page = await filter.PageAsync(db, after ?? 0, limit ?? 100, ct);
        var next = page.Count == (limit ?? 100) ? page[^1].Entry.Sequence : (long?)null;
        return TypedResults.Ok(new EntriesPage([.. page.Select(r => EntryView.Of(r))], next));
    }

    public static async Task<Results<Ok<EntryView>, ProblemHttpResult>> GetAsync(long sequence, Caller caller, NpgsqlDataSource db, CancellationToken ct)
    {
        var row = (await LedgerRows.QueryAsync(db, "WHERE sequence = $1", ct, new NpgsqlParameter { Value = sequence })).SingleOrDefault();
        return row is null || !row.VisibleTo(caller) ? Problem.NotFound($"The ledger has no entry {sequence}.") : TypedResults.Ok(EntryView.Of(row));
    }

    private static async Task StreamAsync(HttpContext http, EntryFilter filter, long after, NpgsqlDataSource db, AuditOptions options, CancellationToken ct)
    {
        http.Response.ContentType = NdJson;
        var newline = "\n"u8.ToArray();
        while (true)
        {
            var page = await filter.PageAsync(db, after, options.MaxPageSize, ct);
            foreach (var row in page)
            {
                await JsonSerializer.SerializeAsync(http.Response.Body, EntryView.Of(row), JsonDefaults.Options, ct);
                await http.Response.Body.WriteAsync(newline, ct);
            }
            await http.Response.Body.FlushAsync(ct);
            if (page.Count < options.MaxPageSize) return;
            after = page[^1].Entry.Sequence;
        }
    }
}
