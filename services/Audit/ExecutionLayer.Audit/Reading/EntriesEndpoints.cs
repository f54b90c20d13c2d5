using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.Json;
using Npgsql;

namespace ExecutionLayer.Audit.Reading;

internal static class EntriesEndpoints
{
    public const string NdJson = "application/x-ndjson";

    public static IEndpointRouteBuilder MapEntries(this IEndpointRouteBuilder app)
    {
        // Keyset pages by ledger sequence (?after= the last one seen), or every match as NDJSON
        // (Accept: application/x-ndjson or ?format=ndjson), streamed page by page at constant memory.
        app.MapGet("/audit/entries", async (HttpContext http, string? subject, string? actor, string? site, string? correlationId, string? eventType,
            DateTimeOffset? from, DateTimeOffset? to, long? after, int? limit, string? format, Caller caller, NpgsqlDataSource db, AuditOptions options, CancellationToken ct) =>
        {
            var filter = new EntryFilter(subject, actor, site, correlationId, eventType, from, to, caller.SiteFilter);
            var errors = filter.Problems();
            if (limit is { } l && (l < 1 || l > options.MaxPageSize)) errors["limit"] = [$"Between 1 and {options.MaxPageSize}."];
            if (after is < 0) errors["after"] = ["A ledger sequence, 0 or more."];
            if (errors.Count > 0) return Results.ValidationProblem(errors);

            if (format == "ndjson" || http.Request.Headers.Accept.Any(a => a?.Contains(NdJson, StringComparison.OrdinalIgnoreCase) == true))
            {
                await StreamAsync(http, filter, after ?? 0, db, options, ct);
                return Results.Empty;
            }
            var page = await filter.PageAsync(db, after ?? 0, limit ?? 100, ct);
            var next = page.Count == (limit ?? 100) ? page[^1].Entry.Sequence : (long?)null;
            return Results.Ok(new { entries = page.Select(r => EntryView.Of(r)), next });
        }).WithParameterLimit("subject", EntryFilter.MaxSubjectLength);

        app.MapGet("/audit/entries/{sequence:long}", async (long sequence, Caller caller, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var row = (await LedgerRows.QueryAsync(db, "WHERE sequence = $1", ct, new NpgsqlParameter { Value = sequence })).SingleOrDefault();
            return row is null || !row.VisibleTo(caller) ? Results.Problem(statusCode: 404, title: "Not found", detail: $"The ledger has no entry {sequence}.") : Results.Ok(EntryView.Of(row));
        });
        return app;
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
