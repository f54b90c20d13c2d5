using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>A decision: the token from the link names who decides and what; the comment is theirs.</summary>
public sealed record DecisionBody([MaxLength(DecisionEndpoints.MaxTokenLength)] string Token, [FreeText] string? Comment = null);

/// <summary>A bridge's callback: which subscription's secret signed it, and the token the person clicked.</summary>
public sealed record CallbackBody(Guid SubscriptionId, [MaxLength(DecisionEndpoints.MaxTokenLength)] string Token, [FreeText] string? Comment = null);

public static class DecisionEndpoints
{
    private const int MaxCallbackBytes = 16 * 1024;

    /// <summary>A token is base64url of its claims and a MAC: a few hundred characters, never this many.</summary>
    public const int MaxTokenLength = 2_048;

    public static IEndpointRouteBuilder MapDecisions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/decisions/{token}", async (string token, HttpContext http, ServiceStore store, DecisionTokens tokens, CancellationToken ct) =>
        {
            NoStore(http);
            DecisionToken read;
            try { read = tokens.Read(token, store.Clock.GetUtcNow()); }
            catch (TokenRejectedException e) { return Html(401, ConfirmationPage.Message("This link is not valid", e.Message)); }
            var request = (await store.LoadAsync<ApprovalRequest>(ApprovalRequest.StreamId(read.ApprovalId), ct)).State;
            if (request.Status == ApprovalStatus.None) return Html(404, ConfirmationPage.Message("Not found", "There is no such request."));
            if (!request.IsOpen) return Html(409, ConfirmationPage.Message("Already decided", $"This request is {request.Status.ToString().ToLowerInvariant()}."));
            if (request.Stage is not { } stage || stage.Index != read.Stage || stage.Level != read.Level)
                return Html(409, ConfirmationPage.Message("This link has been overtaken", "The stage was already decided or passed to the next level."));
            if (stage.Votes.Any(v => string.Equals(v.DecidedBy, read.Approver, StringComparison.OrdinalIgnoreCase)))
                return Html(409, ConfirmationPage.Message("Already decided", "You have already decided this stage."));
            return Html(200, ConfirmationPage.Render(request, read, token));
        }).ExcludeFromDescription().AllowWithoutGatewaySignature().WithParameterLimit("token", MaxTokenLength);

        // JSON from a bridge or a script; a form post from the confirmation page gets a page back.
        app.MapPost("/decisions", async (HttpContext http, DecideHandler handler, CancellationToken ct) =>
        {
            var isForm = http.Request.HasFormContentType;
            string? token, comment;
            if (isForm)
            {
                var form = await http.Request.ReadFormAsync(ct);
                (token, comment) = (form["token"].FirstOrDefault(), form["comment"].FirstOrDefault());
                // The form is read here, not bound, so the input policy is applied here.
                if (FormRefusal(("token", token, MaxTokenLength), ("comment", comment, InputPolicy.FreeTextMax)) is { } refused)
                    return Html(400, ConfirmationPage.Message("Not accepted", refused.ToProblem().Detail!));
            }
            else if (!http.Request.HasJsonContentType())
                return Results.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send application/json or a form.");
            else
            {
                DecisionBody? body;
                try { body = await http.Request.ReadFromJsonAsync<DecisionBody>(ct); }
                catch (JsonException e) { return Results.Problem(InputRefusal.FromJson(e, typeof(DecisionBody), RequestOptions(http)).ToProblem()); }
                (token, comment) = (body?.Token, body?.Comment);
            }
            return await DecideAsync(http, handler, token, comment, DecisionChannel.Link, isForm, ct);
        }).Accepts<DecisionBody>("application/json", "application/x-www-form-urlencoded").WithName("Decide").AllowWithoutGatewaySignature();

        app.MapPost("/decisions/callback", async (HttpContext http, ServiceStore store, DecideHandler handler, ApprovalsOptions options, CancellationToken ct) =>
        {
            if (http.Request.ContentLength > MaxCallbackBytes) return Results.Problem(statusCode: 413, title: "Too large", detail: $"At most {MaxCallbackBytes} bytes.");
            var raw = await ReadBodyAsync(http, ct);
            if (raw is null) return Results.Problem(statusCode: 413, title: "Too large", detail: $"At most {MaxCallbackBytes} bytes.");
            CallbackBody? body;
            try { body = JsonSerializer.Deserialize<CallbackBody>(raw, RequestOptions(http)); }
            catch (JsonException e) { return Results.Problem(InputRefusal.FromJson(e, typeof(CallbackBody), RequestOptions(http)).ToProblem()); }
            if (body is null) return Results.Problem(new InputRefusal("", new(InputPolicy.Rules.EmptyBody, "Send the callback as a JSON object.")).ToProblem());
            var subscriptionId = body.SubscriptionId;

            var secret = await SecretAsync(store, subscriptionId, ct);
            var failure = secret is null ? "Unknown or removed subscription."
                : StandardWebhooks.Verify(secret, http.Request.Headers[StandardWebhooks.IdHeader], http.Request.Headers[StandardWebhooks.TimestampHeader],
                    http.Request.Headers[StandardWebhooks.SignatureHeader], raw, TimeProvider.System.GetUtcNow(), options.Webhooks.TimestampTolerance);
            if (failure is not null) return Results.Problem(statusCode: 401, title: "Signature not accepted", detail: failure);
            return await DecideAsync(http, handler, body.Token, body.Comment, DecisionChannel.Callback, asPage: false, ct);
        }).Accepts<CallbackBody>("application/json").WithName("DecideByCallback").AllowWithoutGatewaySignature();
        return app;
    }

    private static async Task<IResult> DecideAsync(HttpContext http, DecideHandler handler, string? token, string? comment, DecisionChannel via, bool asPage,
        CancellationToken ct)
    {
        if (comment is { Length: > DecideHandler.MaxCommentLength })
            return Fail(400, "Comment too long", $"At most {DecideHandler.MaxCommentLength} characters.");
        if (string.IsNullOrWhiteSpace(token)) return Fail(400, "Token missing", "Send the decision token from the link.");
        try
        {
            var result = await handler.DecideAsync(token, comment, via, http.GetCorrelationId(), ct);
            if (result is null) return Fail(404, "Not found", "There is no such request.");
            return asPage
                ? Html(200, ConfirmationPage.Message("Recorded", $"Your decision ({result.Verdict.ToLowerInvariant()}) is recorded. The request is now {result.Status.ToLowerInvariant()}."))
                : Results.Ok(result);
        }
        catch (TokenRejectedException e) { return Fail(401, "Token not accepted", e.Message); }
        catch (InvalidStateException e) when (asPage) { return Fail(409, "Not allowed in the current state", e.Message); }
        catch (RuleViolationException e) when (asPage) { return Fail(422, "Rule violated", e.Message); }

        IResult Fail(int status, string title, string detail) =>
            asPage ? Html(status, ConfirmationPage.Message(title, detail)) : Results.Problem(statusCode: status, title: title, detail: detail);
    }

    private static JsonSerializerOptions RequestOptions(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private static InputRefusal? FormRefusal(params (string Field, string? Value, int Max)[] fields) =>
        fields.Select(f => f.Value is { } value && InputPolicy.Check(value, f.Max) is { } bad ? new InputRefusal(f.Field, bad) : null).FirstOrDefault(r => r is not null);

    private static async Task<string?> SecretAsync(ServiceStore store, Guid subscriptionId, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand($"SELECT secret FROM {store.Schema}.webhook_subscriptions WHERE subscription_id = $1 AND active");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = subscriptionId });
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The raw body, which the signature covers byte for byte; null when it is over the limit.</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        var buffer = new char[MaxCallbackBytes + 1];
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        return read > MaxCallbackBytes ? null : new string(buffer, 0, read);
    }

    private static void NoStore(HttpContext http)
    {
        // The token is in the URL: keep it out of caches and out of the Referer of anything the page links to.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
    }

    private static IResult Html(int status, string html) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
