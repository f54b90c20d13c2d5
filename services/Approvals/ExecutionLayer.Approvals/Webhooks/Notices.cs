using System.Text.Json;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Webhooks;

/// <summary>The body of every delivery, in the Standard Webhooks shape: a type, a timestamp, the data.</summary>
public sealed record WebhookMessage(string Type, DateTimeOffset Timestamp, object Data);

public sealed record PolicyRef(string Id, int Version);

public sealed record NoticeStage(int Index, string Name, int Level, DateTimeOffset DueAt);

/// <param name="OnBehalfOf">Set when the recipient is a delegate: the approver whose seat they may fill.</param>
public sealed record Recipient(string Approver, string? OnBehalfOf);

/// <summary>A link for a browser (a confirmation page that POSTs) and its token for a bridge that renders its own buttons.</summary>
public sealed record DecisionLink(string Token, string Url);

public sealed record NoticeActions(DecisionLink Approve, DecisionLink Reject);

/// <summary>
/// The context as its owner had it when the notice was sent, beside the frozen one: what changed, whether the policy will ask the
/// approver to confirm on the data now (and why), or why it could not be had. <see cref="Url"/> reads it again at any time.
/// </summary>
public sealed record NoticeContextNow(
    bool Live, JsonElement? Now, LiveContext.ContextDrift? Drift, string? Unavailable, IReadOnlyList<string> NeedsConfirming, string Url);

/// <summary>
/// "Please decide": to one approver (or delegate), with the decision context exactly as stored with the request, and — for a
/// request whose context has an owner — <see cref="ContextNow"/>. <see cref="Text"/> says it all in Markdown, in the decision page's
/// words and order (due and what then, policy, approvers and quorum, what changed, what it touches, both links), for a bridge that posts
/// text rather than building its own message from the fields.
/// </summary>
public sealed record ApprovalNotice(
    Guid ApprovalId, string Site, Subject Subject, decimal? Amount, string? Currency, string? Severity, string Requester, string Reason,
    string? CorrelationId, PolicyRef Policy, NoticeStage Stage, Recipient Recipient, JsonElement DecisionContext, NoticeActions Actions,
    DateTimeOffset ExpiresAt, NoticeContextNow? ContextNow, string Text);

/// <summary>How a request ended: granted, rejected, expired, withdrawn or refused.</summary>
public sealed record OutcomeNotice(
    Guid ApprovalId, string Site, Subject Subject, string Outcome, string? DecidedBy, string? Comment, string? CorrelationId, DateTimeOffset At);
