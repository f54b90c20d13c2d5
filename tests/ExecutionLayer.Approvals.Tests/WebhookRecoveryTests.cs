namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// A receiver down for a moment: its circuit opens for the first break only (a second here), a probe finds it
/// back, and its next notice arrives with one attempt — not after the whole break, which is five minutes here,
/// longer than the test waits, so the old wait could not pass it.
/// </summary>
public sealed class WebhookRecoveryTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new(("Approvals:Webhooks:BreakDuration", "00:05:00"), ("Approvals:Webhooks:FirstBreak", "00:00:01"));
    private OwnReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _receiver = await _app.OwnReceiverAsync();
        _receiver.Receiver.AlwaysAnswer = 503;
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_receiver_back_after_its_circuit_opened_gets_the_next_notice_at_the_first_probe_not_after_the_whole_break()
    {
        var down = await _app.RequestOvertimeAsync();
        await _receiver.DeliveryAsync(down, "dead"); // three failures in a row: the circuit is open

        _receiver.Receiver.AlwaysAnswer = null;
        var back = await _app.RequestOvertimeAsync();

        var delivered = await _receiver.DeliveryAsync(back, "delivered");
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
    }
}
