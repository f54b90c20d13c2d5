using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.LiveContext;

/// <summary>
/// What an approver decided on, kept with the decision: digests of the context as requested and of the one that stood
/// then (so an auditor holding either can prove which it was), what changed between them, and — when the owner could not
/// be asked — that the decision went on the frozen context, and why. <see cref="ConfirmedPast"/> is what the policy's
/// re-confirmation rule found in the drift, which the approver confirmed on the context now (empty: it asked for nothing).
/// </summary>
public sealed record ContextSeen(string RequestedDigest, string? LiveDigest, ContextDrift? Drift, bool Live, string? Unavailable, IReadOnlyList<string>? ConfirmedPast = null)
{
    public static ContextSeen Of(ApprovalRequest request, LiveContextAnswer live) => live.Context is { } now
        ? new ContextSeen(Digest(request.DecisionContext), Digest(now), ContextDrift.Between(request.DecisionContext, now, live.Cleared), true, null)
        : new ContextSeen(Digest(request.DecisionContext), null, null, false, live.Unavailable);

    /// <summary>Why the request's policy wants this decision confirmed on the context now; none without a live context or a rule.</summary>
    public IReadOnlyList<string> NeedsConfirming(ApprovalRequest request) =>
        Drift is { } drift && request.Reconfirm is { } rule ? rule.PassedBy(drift) : [];

    /// <summary>SHA-256 of the context with its members in ordinal order: the same data digests the same however a store or a client ordered it.</summary>
    public static string Digest(JsonElement context) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(JsonNode.Parse(context.GetRawText()))?.ToJsonString() ?? "null")));

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        _ => node?.DeepClone(),
    };
}
