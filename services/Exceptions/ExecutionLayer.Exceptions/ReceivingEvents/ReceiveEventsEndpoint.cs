using System.Text.Json;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

public static class ReceiveEventsEndpoint
{
    public static IEndpointRouteBuilder MapReceiveEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", async (HttpContext context, Caller caller, ReceiveEventsHandler handler, ExceptionsOptions options, CancellationToken ct) =>
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
            }
            catch (JsonException e)
            {
                return Problem(400, "Malformed JSON", $"The body is not JSON: {e.Message}");
            }

            using (document)
            {
                // A single CloudEvent object is a batch of one; otherwise the CloudEvents batch format (a JSON array).
                var batch = document.RootElement.ValueKind switch
                {
                    JsonValueKind.Array => document.RootElement.EnumerateArray().ToArray(),
                    JsonValueKind.Object => [document.RootElement],
                    _ => null,
                };
                if (batch is null || batch.Length == 0)
                    return Problem(400, "Empty batch", "Post a JSON array of 1 or more events (or one event object).");
                if (batch.Length > options.MaxBatchSize)
                    return Problem(413, "Batch too large", $"A batch may hold at most {options.MaxBatchSize} events; this one has {batch.Length}. Split it.");

                var metadata = new EventMetadata(CorrelationId: context.GetCorrelationId(), Actor: caller.Actor);
                var response = await handler.HandleAsync(batch, metadata, caller.Sees, ct);
                if (response.Accepted + response.Duplicates > 0) return Results.Json(response, statusCode: StatusCodes.Status202Accepted);
                // Nothing taken: a problem, so a client that only checks the status cannot mistake it for success; each event's reason is in "results".
                return Results.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status422UnprocessableEntity, Title = "No event accepted",
                    Detail = $"All {response.Rejected} event(s) were rejected; see each one's problem in results.",
                    Extensions = { ["accepted"] = 0, ["duplicates"] = 0, ["rejected"] = response.Rejected, ["results"] = response.Results },
                });
            }
        }).WithName("ReceiveEvents");
        return app;
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });
}
