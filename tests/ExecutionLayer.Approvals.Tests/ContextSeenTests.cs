using System.Text.Json;
using ExecutionLayer.Approvals.LiveContext;
using ExecutionLayer.Approvals.Requests;
using static ExecutionLayer.Approvals.Tests.Overtime;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>A decision keeps what the approver decided on: the two contexts' digests and the drift, or that the owner could not be asked.</summary>
public sealed class ContextSeenTests
{
    private static readonly ApprovalRequest Asked = Given.Request(ApprovalDecisions.Request(ApprovalRequest.Initial, Request(), Version(Policy()), At(AskedAt)));

    private static readonly JsonElement Worse = JsonSerializer.SerializeToElement(new { valueAtRisk = 104_000m, caseSummary = "CNC-4 down (spindle fault)" });

    [Fact]
    public void The_same_context_digests_the_same_whatever_the_order_of_its_members()
    {
        var one = JsonSerializer.SerializeToElement(new { a = 1, b = new { y = "x", z = new[] { 1, 2 } } });
        var other = JsonDocument.Parse("""{"b": {"z": [1, 2], "y": "x"}, "a": 1}""").RootElement;
        Assert.Equal(ContextSeen.Digest(one), ContextSeen.Digest(other));
        Assert.NotEqual(ContextSeen.Digest(one), ContextSeen.Digest(JsonDocument.Parse("""{"b": {"z": [2, 1], "y": "x"}, "a": 1}""").RootElement));
        Assert.StartsWith("sha256:", ContextSeen.Digest(one), StringComparison.Ordinal);
    }

    [Fact]
    public void The_decision_records_the_contexts_the_approver_was_shown_and_what_changed()
    {
        var live = new LiveContextAnswer(Worse, false, null);
        var recorded = ApprovalDecisions.Decide(Asked, new DecideStage(0, 0, PlantManager, null, Verdict.Approve, null, DecisionChannel.Link, null, live), At(AskedAt.AddHours(1)))
            .Single<ApprovalRequest.Event.DecisionRecorded>();

        Assert.Equal(ContextSeen.Digest(Asked.DecisionContext), recorded.Context!.RequestedDigest);
        Assert.Equal(ContextSeen.Digest(Worse), recorded.Context.LiveDigest);
        Assert.True(recorded.Context.Live);
        Assert.Equal(104_000m, recorded.Context.Drift!.ValueAtRiskNow);
    }

    [Fact]
    public void With_the_owner_unreachable_the_decision_says_it_went_on_the_frozen_context()
    {
        var seen = ContextSeen.Of(Asked, LiveContextAnswer.None("The exceptions service did not answer for case 42."));
        Assert.Equal((false, null, null), (seen.Live, seen.LiveDigest, seen.Drift));
        Assert.Equal("The exceptions service did not answer for case 42.", seen.Unavailable);
        Assert.Equal(ContextSeen.Digest(Asked.DecisionContext), seen.RequestedDigest);
    }
}
