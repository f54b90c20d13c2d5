using System.Net;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Contracts.Changes;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Testing;
using RequestApproval = ExecutionLayer.Approvals.Requests.RequestApproval;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// A promise date three days later needs the customer-service lead and then the plant manager; once granted, the ERP — a webhook
/// receiver subscribed to change.approved — is told to apply it, signed like every notice.
/// </summary>
public sealed class GovernedChangeApprovalTests : IAsyncLifetime
{
    private const string CustomerServiceLead = "carla.cs";
    private readonly ApprovalsApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        await _app.PutAsync("/directory/OH-DAYTON/roles/customer-service-lead", new { people = new[] { CustomerServiceLead } });
        await _app.PutAsync("/policies/promise-date-change", new PolicyDefinition("Promise date moved later", new PolicyMatch(["promise-date-change"]),
        [
            new StageRule("Customer service", [new ApproverRef(Role: "customer-service-lead")], new Quorum(QuorumKind.Any), "PT8H"),
            new StageRule("Plant manager", [Overtime.PlantManagerRole], new Quorum(QuorumKind.Any), "PT8H"),
        ], "P2D"));
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private static ChangeApprovalNeeded Needed(Guid requestId, Guid changeId) => new(
        requestId, changeId, "OH-DAYTON", "promise-date-change", "sales-order/SO-1001/promise-date", "High", "sam.sales", "Acme agreed to Monday",
        new ChangeContext("sales-order", "SO-1001", "promise-date", "2026-11-27T17:00:00Z", "2026-11-30T17:00:00Z", 3m, "days", ["PR-77"], ["SH-900"],
            [new CommitmentAtRisk("SO-1001", "Acme Axles", Overtime.Monday.AddDays(4), 48_000m, "USD")], 48_000m, Overtime.AskedAt),
        Overtime.AskedAt);

    [Fact]
    public async Task The_change_is_routed_through_both_stages_and_its_grant_reaches_the_ERP_as_a_signed_change_approved()
    {
        var erp = await _app.OwnReceiverAsync(eventTypes: ["change.approved"]);
        var (requestId, changeId) = (Guid.NewGuid(), Guid.NewGuid());
        await _app.Bus.PublishAsync(Needed(requestId, changeId));

        var approvalId = RequestApproval.IdFor(requestId);
        var first = await _app.NoticeForAsync(approvalId, CustomerServiceLead);
        Assert.Equal($"change-{changeId}", first.Data.GetProperty("correlationId").GetString());
        Assert.Equal(3m, first.Data.GetProperty("decisionContext").GetProperty("size").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(first, "approve"))).StatusCode);
        var second = await _app.NoticeForAsync(approvalId, Overtime.PlantManager);
        Assert.Equal(HttpStatusCode.OK, (await _app.DecideAsync(ApprovalsApp.TokenOf(second, "approve"))).StatusCode);
        var granted = await _app.Bus.WaitForAsync<ApprovalGranted>(g => g.ApprovalId == approvalId, "the grant");
        Assert.Equal(requestId, granted.ExternalReference);

        // The exceptions service hears the grant and publishes the change; the ERP's subscription gets it, and only that.
        await _app.Bus.PublishAsync(new ChangeApproved(changeId, "OH-DAYTON", "sales-order", "SO-1001", "promise-date", "2026-11-27T17:00:00Z",
            "2026-11-30T17:00:00Z", "Acme agreed to Monday", "sam.sales", Overtime.PlantManager, approvalId, Overtime.AskedAt.AddHours(2)));
        var told = await erp.Receiver.WaitForAsync(w => w.Type == "change.approved", "the ERP is told to apply the change");
        Assert.True(told.SignatureValid);
        Assert.Equal(("SO-1001", "2026-11-30T17:00:00Z", Overtime.PlantManager),
            (told.Data.GetProperty("entityId").GetString(), told.Data.GetProperty("to").GetString(), told.Data.GetProperty("approvedBy").GetString()));
        Assert.DoesNotContain(_app.Bridge.Received, w => w.Type == "change.approved");
        Assert.DoesNotContain(erp.Receiver.Received, w => w.Type != "change.approved");
    }
}
