using System.Text.Json;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Types;
using ExecutionLayer.Store.Writing;

namespace ExecutionLayer.Exceptions.JudgingRecommendations;

/// <summary>
/// A recommendation that expected a promise kept reached the promise date (and the allowance after it): it is judged on the sales
/// order's shipments as the graph holds them. A promise moved later since (a granted change) sets the timer again for the new date.
/// </summary>
internal sealed class PromiseJudgementHandler(RecommendationWriter recommendations, ExceptionsOptions options, TimeProvider clock) : IDeadlineHandler
{
    public string Kind => RecommendationWriter.PromiseDeadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var timer = deadline.Payload.Deserialize<PromiseTimer>(EventJson.Options)!;
        var state = (await tx.LoadAsync<Recommendation>(Recommendation.StreamId(timer.RecommendationId), ct)).State;
        if (state.Proposal?.Effect.SalesOrderId is not { } salesOrder || state.Judgement is not null) return;
        if (await recommendations.PromiseAsync(tx, salesOrder, ct) is not { } promise) return;
        var now = clock.GetUtcNow();
        if (now < promise.PromiseDate + options.RecommendationPromiseGrace)
        {
            recommendations.JudgeAt(tx, timer.RecommendationId, promise.PromiseDate);
            return;
        }
        await recommendations.DecideAsync(tx, timer.RecommendationId, new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: "exceptions:recommendation-judge"),
            ct, s => RecommendationDecisions.JudgePromise(s, promise, now));
    }
}
