using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Audit.Reading;

/// <summary>A correlation's or a subject's entries in causal order; <see cref="Complete"/> is false when the trace was longer than one answer holds.</summary>
internal sealed record Timeline(string? CorrelationId, string? Subject, bool Complete, IReadOnlyList<EntryView> Entries);

/// <summary>What happened, in the order it was caused: one plan-to-outcome loop, or everything that touched an order or a lot.</summary>
internal static class TimelineApi
{
    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/timeline", GetTimelineAsync).WithTags("Audit")
            .Describe("GetTimeline", "A correlation's or a subject's ledger entries, each after what caused it")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound).WithParameterLimit("subject", EntryFilter.MaxSubjectLength);
        return app;
    }

    /// <param name="subject">kind/id, e.g. sales-order/SO-1001 or lot/L-5521.</param>
    public static async Task<Results<Ok<Timeline>, ProblemHttpResult>> GetTimelineAsync(
        string? correlationId, string? subject, Caller caller, Timelines timelines, CancellationToken ct)
    {
        if ((correlationId is null) == (subject is null))
            return Problem.Of(StatusCodes.Status400BadRequest, "Say what to trace", "Give exactly one of correlationId or subject (kind/id, e.g. sales-order/SO-1001).");
        if (subject is not null && (subject.IndexOf('/') is <= 0 || subject.EndsWith('/')))
            return Problem.Of(StatusCodes.Status400BadRequest, "Bad subject", "A subject is kind/id, e.g. sales-order/SO-1001 or lot/L-5521.");

        var traced = correlationId is not null ? await timelines.OfCorrelationAsync(correlationId, ct) : await timelines.OfSubjectAsync(subject!, ct);
        var ordered = traced.Where(o => o.Row.VisibleTo(caller)).ToList();
        return ordered.Count == 0
            ? Problem.Of(StatusCodes.Status404NotFound, "Nothing recorded", $"The ledger holds nothing for {(correlationId is not null ? $"correlation {correlationId}" : subject)}.")
            : TypedResults.Ok(new Timeline(correlationId, subject, traced.Count < timelines.Limit, [.. ordered.Select(o => EntryView.Of(o.Row, o.CausedBy))]));
    }
}
