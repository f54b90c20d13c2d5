using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Audit.Reading;

internal static class TimelineEndpoints
{
    public static IEndpointRouteBuilder MapTimelines(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/timeline", async (string? correlationId, string? subject, Caller caller, Timelines timelines, CancellationToken ct) =>
        {
            if ((correlationId is null) == (subject is null))
                return Results.Problem(statusCode: 400, title: "Say what to trace", detail: "Give exactly one of correlationId or subject (kind/id, e.g. sales-order/SO-1001).");
            if (subject is not null && (subject.IndexOf('/') is <= 0 || subject.EndsWith('/')))
                return Results.Problem(statusCode: 400, title: "Bad subject", detail: "A subject is kind/id, e.g. sales-order/SO-1001 or lot/L-5521.");

            var traced = correlationId is not null ? await timelines.OfCorrelationAsync(correlationId, ct) : await timelines.OfSubjectAsync(subject!, ct);
            var ordered = traced.Where(o => o.Row.VisibleTo(caller)).ToList();
            return ordered.Count == 0
                ? Results.Problem(statusCode: 404, title: "Nothing recorded", detail: $"The ledger holds nothing for {(correlationId is not null ? $"correlation {correlationId}" : subject)}.")
                : Results.Ok(new
                {
                    correlationId,
                    subject,
                    complete = traced.Count < timelines.Limit,
                    entries = ordered.Select(o => EntryView.Of(o.Row, o.CausedBy)),
                });
        }).WithParameterLimit("subject", EntryFilter.MaxSubjectLength);
        return app;
    }
}
