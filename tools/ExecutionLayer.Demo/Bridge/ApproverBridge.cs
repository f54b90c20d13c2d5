using ExecutionLayer.Client.Models;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Demo.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionLayer.Demo.Bridge;

/// <summary>One approval notice as the bridge accepted it (its signature checked).</summary>
public sealed record Notice(string Type, JsonElement Data, DateTimeOffset ReceivedAt)
{
    public string Approver => Data.Text("recipient.approver");

    public Guid ApprovalId => Data.At("approvalId").GetGuid();

    /// <summary>The token of the notice's approve (or reject) link, which is all a decision needs.</summary>
    public string Token(string verdict) => Data.Text($"actions.{verdict}.token");
}

/// <summary>
/// A click the request's policy held back because the data changed since the request: why (as the approver is shown it),
/// and the digest of the data now, which their confirmation names.
/// </summary>
public sealed record HeldClick(IReadOnlyList<string> Reasons, string LiveDigest)
{
    public const string Rule = "context-changed";

    /// <summary>The hold in a 409 problem, or null when the problem is another.</summary>
    public static HeldClick? From(ProblemDetails problem) =>
        problem.ResponseStatusCode == 409 && Member(problem, "rule") is JsonElement { ValueKind: JsonValueKind.String } rule && rule.GetString() == Rule
        && Member(problem, "liveDigest") is JsonElement { ValueKind: JsonValueKind.String } digest
            ? new HeldClick(Member(problem, "reasons") is JsonElement { ValueKind: JsonValueKind.Array } reasons ? [.. reasons.EnumerateArray().Select(r => r.GetString()!)] : [],
                digest.GetString()!)
            : null;

    /// <summary>A problem member the client model does not name, as JSON whichever form the parser kept it in.</summary>
    private static JsonElement? Member(ProblemDetails problem, string name) =>
        problem.AdditionalData.TryGetValue(name, out var value) ? value switch
        {
            JsonElement element => element,
            Microsoft.Kiota.Abstractions.Serialization.UntypedNode node => node.AsJson(),
            string text => JsonSerializer.SerializeToElement(text),
            _ => null,
        } : null;
}

/// <summary>
/// Stands in for the Teams/Slack/e-mail bridge (and, subscribed to change.approved, for the ERP's endpoint for
/// granted changes): a real HTTP endpoint on loopback that approvals'
/// webhooks reach, which checks every signature, keeps each notice for the person it names, and acts on
/// a notice by posting its signed link's token back through the gateway, as a click would.
/// </summary>
public sealed class ApproverBridge : IAsyncDisposable
{
    private readonly ConcurrentQueue<Notice> _notices = new();
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly WebhookSignature _signature;
    private readonly WebApplication _app;
    private int _rejected;

    private ApproverBridge(string secret, WebApplication app)
    {
        Secret = secret;
        _signature = new WebhookSignature(secret);
        _app = app;
    }

    public string Secret { get; }

    public string Url { get; private set; } = "";

    public IReadOnlyList<Notice> Notices => [.. _notices];

    /// <summary>Deliveries whose signature did not verify (answered 401, never believed).</summary>
    public int Rejected => _rejected;

    public static async Task<ApproverBridge> StartAsync(string host = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:0");
        var bridge = new ApproverBridge(WebhookSignature.NewSecret(), builder.Build());
        bridge._app.MapPost("/notices", bridge.ReceiveAsync);
        await bridge._app.StartAsync();
        bridge.Url = $"{bridge._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/notices";
        return bridge;
    }

    /// <summary>The first notice of this type (and matching <paramref name="match"/>), once it has arrived.</summary>
    public async Task<Notice> WaitForAsync(string type, Func<Notice, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (true)
        {
            if (_notices.FirstOrDefault(n => n.Type == type && match(n)) is { } found) return found;
            try { await Task.Delay(50, limit.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No {type} notice within {timeout.TotalSeconds:0} s (the bridge has {_notices.Count}: {string.Join(", ", _notices.Select(n => n.Type))}).");
            }
        }
    }

    /// <summary>What a click on the notice's link does: the token goes back through the gateway, with no other credential.</summary>
    public Task<DecisionResult?> ClickAsync(GatewayClient links, Notice notice, string verdict, string comment, CancellationToken ct) =>
        links.Api.Decisions.PostAsync(new DecisionBody { Token = notice.Token(verdict), Comment = comment }, cancellationToken: ct);

    /// <summary>Approve with changes, where the request lists what may be changed (a recommendation's proposed actions).</summary>
    public Task<DecisionResult?> ApproveWithChangesAsync(GatewayClient links, Notice notice, string comment, IReadOnlyList<Amendment> changes, CancellationToken ct) =>
        links.Api.Decisions.PostAsync(new DecisionBody { Token = notice.Token("approve"), Comment = comment, Amendments = [.. changes] }, cancellationToken: ct);

    /// <summary>A click, or — when the policy holds it because the data changed — what the bridge then shows the approver.</summary>
    public async Task<(DecisionResult? Decided, HeldClick? Held)> ClickOrHeldAsync(GatewayClient links, Notice notice, string verdict, string comment, CancellationToken ct)
    {
        try
        {
            return (await ClickAsync(links, notice, verdict, comment, ct), null);
        }
        catch (ProblemDetails problem)
        {
            return HeldClick.From(problem) is { } held ? (null, held) : throw Refused(verdict, problem);
        }
    }

    /// <summary>The approver, shown the data now, confirms the same click on it.</summary>
    public async Task<DecisionResult?> ConfirmAsync(GatewayClient links, Notice notice, string verdict, string comment, HeldClick held, CancellationToken ct)
    {
        try
        {
            return await links.Api.Decisions.PostAsync(
                new DecisionBody { Token = notice.Token(verdict), Comment = comment, ConfirmedContext = held.LiveDigest }, cancellationToken: ct);
        }
        catch (ProblemDetails problem)
        {
            throw Refused(verdict, problem);
        }
    }

    // The client's exception says nothing of the problem: a refusal is raised with what the service said.
    private static InvalidOperationException Refused(string verdict, ProblemDetails problem) =>
        new($"The {verdict} click was refused: {problem.ResponseStatusCode} {problem.Title}: {problem.Detail}", problem);

    private async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var headers = http.Request.Headers;
        if (!_signature.Verifies(headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow))
        {
            Interlocked.Increment(ref _rejected);
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        // Deliveries are at least once: the same webhook id twice is one notice.
        var id = headers["webhook-id"].ToString();
        if (!_seen.TryAdd(id, 0)) { http.Response.StatusCode = StatusCodes.Status204NoContent; return; }
        _notices.Enqueue(new Notice(root.Text("type"), root.At("data").Clone(), DateTimeOffset.UtcNow));
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
