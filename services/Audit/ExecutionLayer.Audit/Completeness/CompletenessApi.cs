using ExecutionLayer.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Audit.Completeness;

/// <summary>Whether the ledger holds every event each source published: the auditor's "nothing was lost".</summary>
internal static class CompletenessApi
{
    public static IEndpointRouteBuilder MapCompletenessApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/completeness", CheckAsync).WithTags("Audit").Describe("GetLedgerCompleteness", "Per source: received, highest, and any numbers missing");
        return app;
    }

    public static async Task<Ok<CompletenessReport>> CheckAsync(LedgerCompleteness completeness, CancellationToken ct) => TypedResults.Ok(await completeness.CheckAsync(ct));
}
