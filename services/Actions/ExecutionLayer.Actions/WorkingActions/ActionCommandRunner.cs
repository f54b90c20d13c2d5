using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.ReadingActions;
using ExecutionLayer.Actions.Sites;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Hosting;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Postgres;
using ExecutionLayer.Store.Writing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Actions.WorkingActions;

/// <summary>A lifecycle command as a decision on the action, given who acts, the site's rules and the time.</summary>
public delegate IReadOnlyList<ActionItem.Event> ActionCommand(ActionItem state, string actor, SiteRules rules, DateTimeOffset now);

/// <summary>
/// Runs one command through the writer: the site's rules read in the same transaction, the caller's If-Match checked under the stream's lock.
/// An action that is not there, or of a site the caller may not see, is the store's 404 (<see cref="NotFoundException"/>), as any missing stream is.
/// </summary>
public sealed class ActionCommandRunner(ServiceStore store, ActionWriter writer, SiteDirectory sites)
{
    public async Task<Ok<ActionView>> RunAsync(HttpContext http, Guid actionId, ActionCommand decide)
    {
        // The caller as the on-behalf filter left it: the person whose act this is decides, and both are recorded.
        var caller = http.Features.Get<Caller>() ?? throw new InvalidOperationException("No verified caller: RequireGatewaySignature must run before action commands.");
        var actor = caller.Person;
        var expected = IfMatch.ExpectedVersion(http.Request);
        await using var tx = await store.BeginAsync(http.RequestAborted);
        var site = await Sql.ScalarAsync<string>(tx.Transaction, $"SELECT site FROM {store.Schema}.action_index WHERE action_id = $1", http.RequestAborted, actionId);
        if (site is null || !caller.Sees(site)) throw new NotFoundException($"No action {actionId}.");
        var rules = await sites.RulesAsync(tx.Transaction, site, http.RequestAborted);
        var now = store.Clock.GetUtcNow();
        var written = await writer.DecideAsync(tx, actionId, Provenance.Of(caller, http.GetCorrelationId()),
            http.RequestAborted, s => decide(s, actor, rules, now), expected);
        await tx.CommitAsync(http.RequestAborted);
        IfMatch.SetETag(http.Response, written.Version);
        return TypedResults.Ok(ActionView.Of(written));
    }
}
