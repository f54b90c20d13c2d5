using System.Text;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Audit.Signing;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Audit.Exporting;

/// <summary>
/// An export an auditor can check offline with only the public key (see <see cref="ExportFormat"/> and
/// the verifier under services/Audit/ExecutionLayer.Audit.Verifier): the chosen entries in full, each
/// chained to the signed checkpoint after it, the entries in between as digests only. When no
/// checkpoint covers the newest chosen entry yet, the head is signed first.
/// </summary>
internal static class ExportApi
{
    private const int MaxEntries = 100_000;

    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/export", ExportAsync).WithTags("Audit")
            .Describe("ExportLedger", "Entries with the chain and signed checkpoint that prove them, as NDJSON to verify offline")
            .Produces<string>(StatusCodes.Status200OK, "application/x-ndjson")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ExportAsync(
        HttpContext http, string? correlationId, long? from, long? to, Caller caller, NpgsqlDataSource db, Checkpoints checkpoints, TimeProvider clock, CancellationToken ct)
    {
        if ((correlationId is null) == (from is null && to is null))
            return Problem.Of(StatusCodes.Status400BadRequest, "Say what to export", "Give correlationId, or a ledger sequence range from=&to=.");
        if (from is < 1 || to is < 1 || (from is { } f && to is { } t && t < f))
            return Problem.Of(StatusCodes.Status400BadRequest, "Bad range", "from and to are ledger sequence numbers, 1 or more, with from ≤ to.");

        // Entries of sites the caller may not see stay in the export only as digest links: the chain still verifies, their content is not shown.
        var matched = correlationId is not null ? await CorrelationAsync(db, correlationId, caller.SiteFilter, ct) : await RangeAsync(db, from ?? 1, to, caller.SiteFilter, ct);
        if (matched.Count == 0) return Problem.Of(StatusCodes.Status404NotFound, "Nothing to export", "No ledger entry matches.");
        if (matched.Count > MaxEntries)
            return Problem.Of(StatusCodes.Status422UnprocessableEntity, "Export too large", $"{matched.Count} entries match; export at most {MaxEntries} at a time (narrow the range).");

        var covering = await checkpoints.CoveringAsync(matched[^1], ct) ?? await checkpoints.SignHeadAsync(ct)
            ?? throw new InvalidOperationException("The ledger is empty.");
        var signed = await checkpoints.RangeAsync(matched[0], covering.Sequence, ct);

        http.Response.ContentType = "application/x-ndjson";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-export-{clock.GetUtcNow():yyyyMMddTHHmmssZ}.ndjson\"";
        var filter = correlationId is not null ? $"correlationId={correlationId}" : $"sequence {matched[0]}..{matched[^1]}";
        await WriteLineAsync(http, ExportFormat.Header(clock.GetUtcNow(), filter), ct);
        var chosen = matched.ToHashSet();
        var byCheckpoint = signed.ToDictionary(c => c.Sequence);
        foreach (var (start, end) in Segments(matched, signed))
        {
            await foreach (var row in LedgerRows.StreamAsync(db, "WHERE sequence BETWEEN $1 AND $2 ORDER BY sequence", ct,
                               new NpgsqlParameter { Value = start }, new NpgsqlParameter { Value = end }))
            {
                var seq = row.Entry.Sequence;
                await WriteLineAsync(http, chosen.Contains(seq) ? ExportFormat.Entry(row.Entry, row.PrevHash, row.Hash)
                    : ExportFormat.Link(seq, row.PrevHash, row.Entry.Digest(), row.Hash), ct);
                if (byCheckpoint.TryGetValue(seq, out var checkpoint)) await WriteLineAsync(http, ExportFormat.Checkpoint(checkpoint), ct);
            }
        }
        return TypedResults.Empty;
    }

    /// <summary>From each chosen entry to the first checkpoint at or after it, overlapping stretches merged.</summary>
    private static List<(long Start, long End)> Segments(List<long> matched, List<SignedCheckpoint> signed)
    {
        var segments = new List<(long Start, long End)>();
        var c = 0;
        foreach (var m in matched)
        {
            while (signed[c].Sequence < m) c++;
            var end = signed[c].Sequence;
            if (segments.Count > 0 && m <= segments[^1].End + 1) segments[^1] = (segments[^1].Start, Math.Max(segments[^1].End, end));
            else segments.Add((m, end));
        }
        return segments;
    }

    private static Task<List<long>> CorrelationAsync(NpgsqlDataSource db, string correlationId, string[]? sites, CancellationToken ct) =>
        Sql.ListAsync(db, $"SELECT sequence FROM audit.ledger WHERE correlation_id = $1 AND {VisibleTo3} ORDER BY sequence LIMIT $2", r => r.GetInt64(0), ct,
            new NpgsqlParameter { Value = correlationId }, new NpgsqlParameter { Value = MaxEntries + 1 }, Sql.Texts(sites));

    private const string VisibleTo3 = "($3::text[] IS NULL OR site IS NULL OR site = ANY ($3))";

    private static Task<List<long>> RangeAsync(NpgsqlDataSource db, long from, long? to, string[]? sites, CancellationToken ct) =>
        Sql.ListAsync(db, "SELECT sequence FROM audit.ledger WHERE sequence >= $1 AND ($2::bigint IS NULL OR sequence <= $2) AND ($4::text[] IS NULL OR site IS NULL OR site = ANY ($4)) ORDER BY sequence LIMIT $3",
            r => r.GetInt64(0), ct, new NpgsqlParameter { Value = from },
            new NpgsqlParameter { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint }, new NpgsqlParameter { Value = MaxEntries + 1 },
            Sql.Texts(sites));

    private static async Task WriteLineAsync(HttpContext http, string line, CancellationToken ct)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), ct);
    }
}
