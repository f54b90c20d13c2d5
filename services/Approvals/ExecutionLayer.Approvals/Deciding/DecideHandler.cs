using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Approvals.Deciding;

public sealed record DecisionResult(Guid ApprovalId, ApprovalStatus Status, int Stage, Verdict Verdict, string DecidedBy, string? OnBehalfOf, long Version);

/// <summary>A decision from a link or a bridge: the token says who decides what; the request's rules say whether they may.</summary>
public sealed class DecideHandler(ServiceStore store, ApprovalWriter writer, WorldReader world, DecisionTokens tokens, LiveContexts owners)
{
    public const int MaxCommentLength = ServiceDefaults.Input.InputPolicy.FreeTextMax;

    /// <exception cref="TokenRejectedException">The token is not valid (401).</exception>
    /// <exception cref="Store.Decisions.InvalidStateException">With rule <c>context-changed</c>: the policy asks the approver to confirm on the context now.</exception>
    public async Task<DecisionResult?> DecideAsync(
        string? token, string? comment, string? confirmedContext, IReadOnlyList<Amendment>? amendments, DecisionChannel via, string? causationId, CancellationToken ct)
    {
        var read = tokens.Read(token, store.Clock.GetUtcNow());
        // The owner is asked before the transaction, from one index row: a slow owner must not hold the request's turn, and
        // the request itself is folded once, under the turn, where its requested context is digested beside the answer.
        var live = await world.OwnerOfAsync(read.ApprovalId, ct) is { Exists: true } owner ? await owners.NowAsync(read.ApprovalId, owner, ct) : null;
        await using var tx = await store.BeginAsync(ct);
        if (await world.SiteOfAsync(tx.Transaction, read.ApprovalId, ct) is not { } site) return null;
        var situation = await world.SituationAsync(tx.Transaction, site, ct);
        var command = new DecideStage(read.Stage, read.Level, read.Approver, read.OnBehalfOf, read.Verdict, Trim(comment), via, read.TokenId, live, confirmedContext?.Trim(),
            amendments);
        var written = await writer.DecideAsync(tx, read.ApprovalId, new Provenance(CausationId: causationId, Actor: read.Approver), ct,
            s => ApprovalDecisions.Decide(s, command, situation));
        await tx.CommitAsync(ct);
        return new DecisionResult(read.ApprovalId, written.State.Status, read.Stage, read.Verdict, read.Approver, read.OnBehalfOf, written.Version);
    }

    private static string? Trim(string? comment) => string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
}
