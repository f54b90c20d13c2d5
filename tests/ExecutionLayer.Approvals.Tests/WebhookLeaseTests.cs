using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// A delivery's lease, with two instances of the service sending: kept while its sender is still at
/// it, however slow the receiver; taken over soon after the instance that held it is gone.
/// </summary>
public sealed class WebhookLeaseTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new(("Approvals:Webhooks:Lease", "00:00:01"));
    private OwnReceiver _own = null!;

    private WebhookReceiver Receiver => _own.Receiver;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _own = await _app.OwnReceiverAsync(sites: ["OH-DAYTON"]);
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_receiver_slower_than_the_lease_gets_the_notice_once_because_the_sender_renews_its_lease()
    {
        // The other instance polls every 50 ms and would take over a lease left to run out.
        await using var another = _app.StartAnotherInstance();
        Receiver.AnswerAfter = TimeSpan.FromSeconds(3.5);

        var approvalId = await _app.RequestOvertimeAsync();

        var delivered = await _own.DeliveryAsync(approvalId, "delivered");
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(1, Receiver.Requests);
    }

    [Fact]
    public async Task A_delivery_claimed_by_an_instance_that_died_mid_send_is_sent_by_another_once_the_lease_runs_out()
    {
        Receiver.AlwaysAnswer = 410;
        var approvalId = await _app.RequestOvertimeAsync();
        var dead = await _own.DeliveryAsync(approvalId, "dead");
        var deliveryId = dead.GetProperty("deliveryId").GetGuid();
        Receiver.AlwaysAnswer = null;

        // What a claim by an instance killed mid-send leaves behind: 'sending', a lease nobody renews.
        Assert.Equal(1, await _app.CountAsync($"""
            UPDATE approvals.webhook_deliveries SET status = 'sending', claimed_by = '{Guid.NewGuid()}', lease_until = now() + interval '1 second', budget_from = attempts
            WHERE delivery_id = '{deliveryId}' RETURNING 1
            """));

        await _own.DeliveryAsync(approvalId, "delivered");
        var received = Assert.Single(Receiver.Received);
        Assert.Equal($"msg_{deliveryId:N}", received.Id);
    }
}
