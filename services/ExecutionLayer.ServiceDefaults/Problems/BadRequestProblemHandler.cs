using ExecutionLayer.ServiceDefaults.Input;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ExecutionLayer.ServiceDefaults.Problems;

/// <summary>Model-binding, JSON and body-size failures become 400/413 problems: a 400 names the field and the input rule it broke.</summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        var status = bad.StatusCode;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = status == StatusCodes.Status400BadRequest
                ? InputRefusal.From(bad, context).ToProblem()
                : new ProblemDetails
                {
                    Status = status,
                    Title = status == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                    Detail = bad.Message,
                },
        });
    }
}
