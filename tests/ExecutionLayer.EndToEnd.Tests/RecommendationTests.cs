using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The planning assistant's recommendation, through the gateway on the real processes: expedite PO-4410 when the hold leaves PR-77
/// short of bar stock — above what Dayton lets it do alone, so the plant manager decided from the bridge and accepted it with
/// changes; the buyer got the action, SAP the command, the hold's case the link, and the auditor the chain.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class RecommendationTests(PlantDayRun run)
{
    [Fact]
    public async Task The_assistants_expedite_goes_to_the_plant_manager_who_accepts_it_changed_and_SAP_and_the_buyer_get_it_as_changed()
    {
        var received = run.Day.RecommendationReceived;
        Assert.Equal(RecommendationStatus.Pending, received.Status);
        Assert.Equal(["expedite-purchase-order: 2400 USD is above the 2000 the rule (v1) accepts."], received.WhyRouted);

        // The plant manager decided on the proposal and what its subjects touch, and could change it.
        var context = run.Day.RecommendationNotice.At("decisionContext");
        Assert.Equal(("copilot-plan", 0.8m, "sales order SO-1001 shipped by its promise date"),
            (context.Text("model"), context.At("confidence").GetDecimal(), context.Text("expectedEffect")));
        Assert.Contains("SO-1001", context.At("commitments").EnumerateArray().Select(c => c.Text("salesOrderId")));
        Assert.Equal(2_400m, context.At("amendable").EnumerateArray().Single().At("cost").GetDecimal());

        var accepted = run.Day.RecommendationAccepted;
        Assert.Equal((RecommendationStatus.Accepted, $"accepted modified by {PlantManager}"), (accepted.Status, accepted.Outcome));
        var tuesdayNoon = run.Day.Monday.AddDays(1).AddHours(12);
        var work = Assert.Single(accepted.Work!);
        Assert.Equal(($"Expedite purchase order PO-4410 to arrive by {tuesdayNoon:yyyy-MM-dd}", "procurement", "buyer"), (work.Title, work.Function, work.OwnerRole));

        var command = run.Day.ErpCommandNotice;
        Assert.Equal(("expedite-purchase-order", "PO-4410", 1_900m, PlantManager),
            (command.Text("kind"), command.Text("purchaseOrderId"), command.At("cost").GetDecimal(), command.Text("acceptedBy")));
        Assert.Equal(tuesdayNoon, command.At("needBy").GetDateTimeOffset());
        Assert.Equal(work.ActionId!.Value.ToString(), (await run.Cast.Manager.Api.Actions[work.ActionId.Value].GetAsync())!.ActionId.ToString());

        // The plant manager decided on the recommendation's context read again from its owner at that moment: drift is judged as for a case.
        var approvalId = run.Day.RecommendationNotice.At("approvalId").GetGuid();
        var decision = Assert.Single((await run.Cast.Auditor.Api.Audit.Decisions.GetAsync(q => q.QueryParameters.ApprovalId = approvalId))!.Decisions!);
        Assert.Equal(PlantManager, decision.DecidedBy);
        Assert.True(JsonPaths.AsJson(decision.ContextSeen!).GetProperty("live").GetBoolean(), "the context was read live from the exceptions service");

        // The case of the hold it answers records it; the auditor reads who proposed it, who accepted it and what was done.
        var holdCase = (await run.Cast.PlanningDesk.Api.Exceptions[run.Day.HoldCase.CaseId!.Value].GetAsync())!;
        Assert.Contains(holdCase.Timeline!, e => e.Type == "exceptions.recommendation-linked");
        var timeline = (await run.Cast.Auditor.Api.Audit.Timeline.GetAsync(q => q.QueryParameters.CorrelationId = $"recommendation-{received.RecommendationId}"))!;
        var entries = timeline.Entries!;
        // The harness's planning assistant holds the key e2e-planner: the gateway signed it as that key.
        Assert.Equal("api-key:e2e-planner", entries.First(e => e.EventType == "exceptions.recommendation-received").Actor);
        Assert.Equal(PlantManager, entries.First(e => e.EventType == "exceptions.recommendation-accepted").Actor);
        Assert.Contains(entries, e => e.EventType == "approvals.decision-recorded" && e.Actor == PlantManager);
        Assert.Contains(entries, e => e.EventType == "actions.action-created");
    }
}
