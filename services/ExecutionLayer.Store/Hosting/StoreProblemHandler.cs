using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.Store.Hosting;

/// <summary>
/// Decisions and lost races as problem responses: a stale expected version or a writer that lost to
/// another 409, a rule violated 422, a state that does not allow the command 409, nothing there 404.
/// Marten reports a lost race in two shapes — a version conflict, or a stream that another writer
/// started first — and both are the same 409 to a client.
/// </summary>
public sealed class StoreProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            StreamConflictException or JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
                => (StatusCodes.Status409Conflict, "Concurrency conflict"),
            InvalidStateException => (StatusCodes.Status409Conflict, "Not allowed in the current state"),
            NotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            RuleViolationException => (StatusCodes.Status422UnprocessableEntity, "Rule violated"),
            _ => (0, ""),
        };
        if (status == 0) return false;

        var problem = new ProblemDetails { Status = status, Title = title, Detail = Detail(exception) };
        if (exception is StreamConflictException conflict) problem.Extensions["currentVersion"] = conflict.ActualVersion;
        if (exception is RuleViolationException rule) problem.Extensions["rule"] = rule.Rule;
        if (exception is InvalidStateException { Rule: { } stateRule } state)
        {
            problem.Extensions["rule"] = stateRule;
            foreach (var (name, value) in state.Facts) problem.Extensions[name] = value;
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    // Marten's own messages name tables and SQL; a client needs only what happened.
    private static string Detail(Exception exception) => exception switch
    {
        JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException
            => "Another request changed this at the same time. Read it again and retry.",
        _ => exception.Message,
    };
}
