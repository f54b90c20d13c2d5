using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.ServiceDefaults.Problems;

/// <summary>
/// The problems a handler answers with, typed so its signature (and so the API description) says which
/// it can give. Titles are the ones the store's exception handler uses, so a client sees one wording
/// whether a handler or a decision refused.
/// </summary>
public static class Problem
{
    public static ProblemHttpResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult NotNow(string detail) => Of(StatusCodes.Status409Conflict, "Not allowed in the current state", detail);

    public static ProblemHttpResult RuleViolated(string detail) => Of(StatusCodes.Status422UnprocessableEntity, "Rule violated", detail);

    /// <summary>A rule refused it, named in <c>rule</c> as the store's exception handler names the rules decisions break.</summary>
    public static ProblemHttpResult RuleViolated(string detail, string rule) => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Rule violated", detail: detail, extensions: new Dictionary<string, object?> { ["rule"] = rule });

    public static ProblemHttpResult Of(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    public static ValidationProblem Invalid(string field, string message, string title = "Invalid request") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: title);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string title) => TypedResults.ValidationProblem(errors, title: title);
}
