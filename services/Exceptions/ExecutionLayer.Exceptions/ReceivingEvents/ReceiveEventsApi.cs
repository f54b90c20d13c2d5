using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>The ERP/MES intake: facts about orders, lots, shipments and machines, as CloudEvents.</summary>
public static class ReceiveEventsApi
{
    public static IEndpointRouteBuilder MapReceiveEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", ReceiveAsync).WithTags("Intake")
            .AddOpenApiOperationTransformer(IntakeDescription.TransformAsync)
            .Describe("ReceiveEvents", "Post ERP/MES facts as CloudEvents (structured, batched or binary); each is answered for, in order")
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>CloudEvents in any HTTP content mode (<see cref="CloudEventsHttp"/>); every event is answered for, in the order posted.</summary>
    internal static async Task<Results<Accepted<IntakeResponse>, ProblemHttpResult>> ReceiveAsync(
        HttpContext context, Caller caller, ReceiveEventsHandler handler, ExceptionsOptions options, CancellationToken ct)
    {
        using var posted = await CloudEventsHttp.ReadAsync(context.Request, options.MaxBatchSize, ct);
        if (posted.Problem is { } refused) return TypedResults.Problem(refused);

        var provenance = new Provenance(CorrelationId: context.GetCorrelationId(), Actor: caller.Actor, OnBehalfOf: caller.OnBehalfOf);
        var response = await handler.HandleAsync(posted.Events, provenance, caller.Sees, ct);
        if (response.Accepted + response.Duplicates > 0) return TypedResults.Accepted((string?)null, response);
        // Nothing taken: a problem, so a client that only checks the status cannot mistake it for success; each event's reason is in "results".
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity, Title = "No event accepted",
            Detail = $"All {response.Rejected} event(s) were rejected; see each one's problem in results.",
            Extensions = { ["accepted"] = 0, ["duplicates"] = 0, ["rejected"] = response.Rejected, ["results"] = response.Results },
        });
    }
}
