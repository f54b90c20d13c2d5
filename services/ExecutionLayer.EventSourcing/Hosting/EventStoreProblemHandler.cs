using ExecutionLayer.EventSourcing.Decisions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>
/// Store and decision failures as problem responses: conflicts 409, rule violations 422, missing 404, size
/// 413, database down 503 — and text the database cannot hold 400. The input policy refuses such text
/// before any handler runs; should some path slip past it, the client still gets a 400 naming the rule,
/// never a 500, and the log says where the policy has a hole.
/// </summary>
public sealed class EventStoreProblemHandler(IProblemDetailsService problems, ILogger<EventStoreProblemHandler> logger) : IExceptionHandler
{
    /// <summary>SQLSTATEs of text PostgreSQL cannot store (a NUL in text, an escape jsonb refuses).</summary>
    private static readonly HashSet<string> UnstorableText = [PostgresErrorCodes.CharacterNotInRepertoire, PostgresErrorCodes.UntranslatableCharacter];

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
            NpgsqlException { IsTransient: true } => (StatusCodes.Status503ServiceUnavailable, "Database unavailable"),
            PostgresException e when UnstorableText.Contains(e.SqlState) => (StatusCodes.Status400BadRequest, "Invalid input"),
            _ => (0, ""),
        };
        if (status == 0) return false;
        if (exception is PostgresException unstorable && status == StatusCodes.Status400BadRequest)
        {
            logger.LogWarning("{Method} {Path} reached the database with text it cannot store ({SqlState}): the input policy missed it",
                context.Request.Method, context.Request.Path, unstorable.SqlState);
            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context, Exception = exception,
                ProblemDetails = new ProblemDetails
                {
                    Status = status, Title = title, Detail = "The request holds text that cannot be stored (such as a NUL character).",
                    Extensions = { ["rule"] = ServiceDefaults.Input.InputPolicy.Rules.NulCharacter },
                },
            });
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = status == 503 ? "The database is not reachable; retry shortly." : exception.Message };
        if (exception is ConcurrencyException conflict) problem.Extensions["currentVersion"] = conflict.ActualVersion;
        if (exception is RuleViolationException rule) problem.Extensions["rule"] = rule.Rule;
        if (status == 503) context.Response.Headers.RetryAfter = "5";
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }
}
