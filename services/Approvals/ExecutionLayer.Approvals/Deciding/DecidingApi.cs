using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// A decision: the token from the link names who decides and what; the comment is theirs. <see cref="ConfirmedContext"/> is the
/// <c>liveDigest</c> of the context now, sent when a decision was refused with <c>context-changed</c>: the approver confirms on it.
/// <see cref="Amendments"/>: approving with changes, to a request whose context lists what may be changed (<c>amendable</c>).
/// </summary>
public sealed record DecisionBody(
    [MaxLength(DecidingApi.MaxTokenLength)] string Token, [FreeText] string? Comment = null, [MaxLength(DecidingApi.MaxDigestLength)] string? ConfirmedContext = null,
    IReadOnlyList<Amendment>? Amendments = null);

/// <summary>A bridge's callback: which subscription's secret signed it, the token the person clicked, and what they confirmed on.</summary>
public sealed record CallbackBody(
    Guid SubscriptionId, [MaxLength(DecidingApi.MaxTokenLength)] string Token, [FreeText] string? Comment = null,
    [MaxLength(DecidingApi.MaxDigestLength)] string? ConfirmedContext = null, IReadOnlyList<Amendment>? Amendments = null);

/// <summary>What deciding needs: the request (its body, its correlation), the store and the handler.</summary>
public sealed record DecidingServices(HttpContext Http, ServiceStore Store, DecideHandler Handler);

/// <summary>
/// Where approvers decide. The token in the link names who decides which stage of what, so these routes
/// need no gateway identity: the link's page, its form post or a script's JSON, and a chat bridge's
/// callback signed with its subscription's secret.
/// </summary>
public static class DecidingApi
{
    private const int MaxCallbackBytes = 16 * 1024;

    /// <summary>A token is base64url of its claims and a MAC: a few hundred characters, never this many.</summary>
    public const int MaxTokenLength = 2_048;

    /// <summary>"sha256:" and 64 hex digits.</summary>
    public const int MaxDigestLength = 80;

    public static IEndpointRouteBuilder MapDecidingApi(this IEndpointRouteBuilder app)
    {
        var decisions = app.MapGroup("/decisions").WithTags("Decisions").AllowWithoutGatewaySignature();
        decisions.MapGet("/{token}", ShowDecisionPageAsync).Describe("ShowDecisionPage", "The page a decision link opens: the request, its context and the decision form")
            .Produces<string>(StatusCodes.Status200OK, "text/html").Produces<string>(StatusCodes.Status401Unauthorized, "text/html")
            .Produces<string>(StatusCodes.Status404NotFound, "text/html").Produces<string>(StatusCodes.Status409Conflict, "text/html")
            .WithParameterLimit("token", MaxTokenLength);
        // JSON from a bridge or a script; a form post from the confirmation page gets a page back.
        decisions.MapPost("", DecideAsync).Describe("Decide", "Decide with the token from a link (JSON, or the page's form)")
            .Accepts<DecisionBody>("application/json", "application/x-www-form-urlencoded")
            .AlsoAPage(StatusCodes.Status200OK)
            .Problems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity);
        decisions.MapPost("/callback", DecideByCallbackAsync).Describe("DecideByCallback", "A chat bridge relays a click, signed with its subscription's secret")
            .Accepts<CallbackBody>("application/json").Produces<DecisionResult>()
            .Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<ContentHttpResult> ShowDecisionPageAsync(
        string token, HttpContext http, ServiceStore store, DecisionTokens tokens, LiveContexts owners, CancellationToken ct)
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
        // The data now, from the context's owner, beside the data as requested: what changed is said before the button.
        var contexts = ContextOwner.Of(request).Exists ? LiveContextApi.Of(request, await owners.NowAsync(request, ct)) : null;
        // The same seat's other choice, as its notice carried it: the holder of this link is that approver, and sees both.
        var sibling = tokens.Mint(DecisionToken.For(read.ApprovalId, read.Stage, read.Level, read.Approver, read.OnBehalfOf,
            read.Verdict == Verdict.Approve ? Verdict.Reject : Verdict.Approve, read.ExpiresAt));
        return Html(200, ConfirmationPage.Render(request, read, token, sibling, store.Clock.GetUtcNow(), contexts));
    }

    /// <summary>The body is read here, not bound: it may be a form or JSON, and a form's refusal is a page.</summary>
    public static async Task<Results<Ok<DecisionResult>, ContentHttpResult, ProblemHttpResult>> DecideAsync([AsParameters] DecidingServices services, DecisionTokens tokens, CancellationToken ct)
    {
        var http = services.Http;
        var isForm = http.Request.HasFormContentType;
        string? token, comment, confirmed;
        IReadOnlyList<Amendment>? amendments = null;
        if (isForm)
        {
            var form = await http.Request.ReadFormAsync(ct);
            (token, comment, confirmed) = (form["token"].FirstOrDefault(), form["comment"].FirstOrDefault(), form["confirmedContext"].FirstOrDefault());
            // The form is read here, not bound, so the input policy is applied here.
            if (FormRefusal(("token", token, MaxTokenLength), ("comment", comment, InputPolicy.FreeTextMax), ("confirmedContext", confirmed, MaxDigestLength)) is { } refused)
                return Html(400, ConfirmationPage.Message("Not accepted", refused.ToProblem().Detail!));
            var (changes, wrong) = ConfirmationPage.FormAmendments(form);
            if (wrong is not null) return Html(400, ConfirmationPage.Message("Not accepted", wrong));
            // The page's change fields sit beside both buttons; a rejection changes nothing, so what was typed there is not its concern.
            amendments = changes.Count > 0 && IsApproval(tokens, token, services.Store) ? changes : null;
        }
        else if (!http.Request.HasJsonContentType())
            return Problem.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send application/json or a form.");
        else
        {
            DecisionBody? body;
            try { body = await http.Request.ReadFromJsonAsync<DecisionBody>(ct); }
            catch (JsonException e) { return TypedResults.Problem(InputRefusal.FromJson(e, typeof(DecisionBody), RequestOptions(http)).ToProblem()); }
            (token, comment, confirmed, amendments) = (body?.Token, body?.Comment, body?.ConfirmedContext, body?.Amendments);
        }
        return await RecordAsync(services, new(token, comment, confirmed, amendments), DecisionChannel.Link, isForm, ct);
    }

    public static async Task<Results<Ok<DecisionResult>, ContentHttpResult, ProblemHttpResult>> DecideByCallbackAsync([AsParameters] DecidingServices services, WebhookTables webhooks, ApprovalsOptions options, CancellationToken ct)
    {
        var http = services.Http;
        if (http.Request.ContentLength > MaxCallbackBytes) return TooLarge();
        var raw = await ReadBodyAsync(http, ct);
        if (raw is null) return TooLarge();
        CallbackBody? body;
        try { body = JsonSerializer.Deserialize<CallbackBody>(raw, RequestOptions(http)); }
        catch (JsonException e) { return TypedResults.Problem(InputRefusal.FromJson(e, typeof(CallbackBody), RequestOptions(http)).ToProblem()); }
        if (body is null) return TypedResults.Problem(new InputRefusal("", new(InputPolicy.Rules.EmptyBody, "Send the callback as a JSON object.")).ToProblem());

        var secret = await webhooks.SecretAsync(body.SubscriptionId, ct);
        var failure = secret is null ? "Unknown or removed subscription."
            : StandardWebhooks.Verify(secret, http.Request.Headers[StandardWebhooks.IdHeader], http.Request.Headers[StandardWebhooks.TimestampHeader],
                http.Request.Headers[StandardWebhooks.SignatureHeader], raw, TimeProvider.System.GetUtcNow(), options.Webhooks.TimestampTolerance);
        if (failure is not null) return Problem.Of(StatusCodes.Status401Unauthorized, "Signature not accepted", failure);
        return await RecordAsync(services, new(body.Token, body.Comment, body.ConfirmedContext, body.Amendments), DecisionChannel.Callback, asPage: false, ct);

        static ProblemHttpResult TooLarge() => Problem.Of(StatusCodes.Status413PayloadTooLarge, "Too large", $"At most {MaxCallbackBytes} bytes.");
    }

    /// <summary>What a decision says, however it came: the link's token, the comment, the context now it was confirmed on, the changes approved with.</summary>
    private sealed record Said(string? Token, string? Comment, string? ConfirmedContext, IReadOnlyList<Amendment>? Amendments);

    private static async Task<Results<Ok<DecisionResult>, ContentHttpResult, ProblemHttpResult>> RecordAsync(DecidingServices services, Said said, DecisionChannel via, bool asPage, CancellationToken ct)
    {
        if (said.Comment is { Length: > DecideHandler.MaxCommentLength })
            return Fail(400, "Comment too long", $"At most {DecideHandler.MaxCommentLength} characters.");
        if (string.IsNullOrWhiteSpace(said.Token)) return Fail(400, "Token missing", "Send the decision token from the link.");
        try
        {
            var result = await services.Handler.DecideAsync(said.Token, said.Comment, said.ConfirmedContext, said.Amendments, via, services.Http.GetCorrelationId(), ct);
            if (result is null) return Fail(404, "Not found", "There is no such request.");
            if (!asPage) return TypedResults.Ok(result);
            return Html(200, ConfirmationPage.Message("Recorded", $"Your decision ({result.Verdict.ToString().ToLowerInvariant()}) is recorded. The request is now {result.Status.ToString().ToLowerInvariant()}."));
        }
        catch (TokenRejectedException e) { return Fail(401, "Token not accepted", e.Message); }
        catch (InvalidStateException e) when (asPage && e.Rule == ApprovalDecisions.ContextChanged)
        {
            var reasons = e.Facts.TryGetValue("reasons", out var given) && given is IEnumerable<string> list ? string.Join(" ", list) : "";
            return Html(409, ConfirmationPage.Message("The data changed before you decided",
                $"The policy asks you to confirm on the data as it stands now. {reasons} Open the link again to see it, and confirm there."));
        }
        catch (InvalidStateException e) when (asPage) { return Fail(409, "Not allowed in the current state", e.Message); }
        catch (RuleViolationException e) when (asPage) { return Fail(422, "Rule violated", e.Message); }

        Results<Ok<DecisionResult>, ContentHttpResult, ProblemHttpResult> Fail(int status, string title, string detail) =>
            asPage ? Html(status, ConfirmationPage.Message(title, detail)) : Problem.Of(status, title, detail);
    }

    private static JsonSerializerOptions RequestOptions(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    /// <summary>Whether the token reads as an approval; one that does not read at all is refused by the handler, which says why.</summary>
    private static bool IsApproval(DecisionTokens tokens, string? token, ServiceStore store)
    {
        try { return token is not null && tokens.Read(token, store.Clock.GetUtcNow()).Verdict == Verdict.Approve; }
        catch (TokenRejectedException) { return true; }
    }

    private static InputRefusal? FormRefusal(params (string Field, string? Value, int Max)[] fields) =>
        fields.Select(f => f.Value is { } value && InputPolicy.Check(value, f.Max) is { } bad ? new InputRefusal(f.Field, bad) : null).FirstOrDefault(r => r is not null);

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

    private static ContentHttpResult Html(int status, string html) => TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}
