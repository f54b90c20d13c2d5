using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExecutionLayer.Store.Postgres;

/// <summary>
/// Database failures as problem responses, for every service whatever it stores: the database down is
/// 503 with a Retry-After, text the database cannot hold is 400. The input policy refuses such text
/// before any handler runs; should some path slip past it, the client still gets a 400 naming the rule,
/// never a 500, and the log says where the policy has a hole.
/// </summary>
public sealed class PostgresProblemHandler(IProblemDetailsService problems, ILogger<PostgresProblemHandler> logger) : IExceptionHandler
{
    /// <summary>SQLSTATEs of text PostgreSQL cannot store (a NUL in text, an escape jsonb refuses).</summary>
    private static readonly HashSet<string> UnstorableText = [PostgresErrorCodes.CharacterNotInRepertoire, PostgresErrorCodes.UntranslatableCharacter];

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case PostgresException unstorable when UnstorableText.Contains(unstorable.SqlState):
                logger.LogWarning("{Method} {Path} reached the database with text it cannot store ({SqlState}): the input policy missed it",
                    context.Request.Method, context.Request.Path, unstorable.SqlState);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest, Title = "Invalid input",
                    Detail = "The request holds text that cannot be stored (such as a NUL character).",
                    Extensions = { ["rule"] = ServiceDefaults.Input.InputPolicy.Rules.NulCharacter },
                };
                break;
            case var failure when Unavailable(failure):
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable, Title = "Database unavailable", Detail = "The database is not reachable; retry shortly.",
                };
                context.Response.Headers.RetryAfter = "5";
                break;
            default:
                return false;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>
    /// Whether the database could not be had, or went away, while the request used it: a retry soon may well succeed (after a
    /// failover the services find the promoted standby within seconds). Marten wraps what Npgsql throws, so the chain is walked.
    /// </summary>
    private static bool Unavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            switch (e)
            {
                // The server said so: shutting down or crashed (57P), the connection failed (08), or Npgsql knows it as transient.
                case PostgresException server:
                    return server.IsTransient || server.SqlState.StartsWith("57P", StringComparison.Ordinal) || server.SqlState.StartsWith("08", StringComparison.Ordinal);
                // Raised by the client, not the server: no connection could be had ("No suitable host was found" while every host
                // of a failover is down or still a standby) or the one in use was lost.
                case NpgsqlException:
                    return true;
            }
        return false;
    }
}
