using ExecutionLayer.Store.Decisions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>
/// Store and decision failures as problem responses: conflicts 409, rule violations 422, missing 404,
/// size 413. The database's own failures (down, text it cannot hold) are the
/// <see cref="ExecutionLayer.Store.Postgres.PostgresProblemHandler"/>'s.
/// </summary>
public sealed class EventStoreProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            ConcurrencyException => (StatusCodes.Status409Conflict, "Concurrency conflict"),
            DuplicateEventException => (StatusCodes.Status409Conflict, "Already recorded"),
            InvalidStateException => (StatusCodes.Status409Conflict, "Not allowed in the current state"),
            NotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            EventTooLargeException => (StatusCodes.Status413PayloadTooLarge, "Event too large"),
            InvalidAppendException => (StatusCodes.Status422UnprocessableEntity, "Invalid input"),
            RuleViolationException => (StatusCodes.Status422UnprocessableEntity, "Rule violated"),
            _ => (0, ""),
        };
        if (status == 0) return false;

        var problem = new ProblemDetails { Status = status, Title = title, Detail = exception.Message };
        if (exception is ConcurrencyException conflict) problem.Extensions["currentVersion"] = conflict.ActualVersion;
        if (exception is RuleViolationException rule) problem.Extensions["rule"] = rule.Rule;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }
}
