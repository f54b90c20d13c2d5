using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>
/// An endpoint that keeps failing has its circuit opened: its next notices wait without attempts,
/// while another endpoint (the bridge, on its own port) goes on receiving. The break is longer than
/// the test, so nothing here depends on how fast the machine is.
/// </summary>
public sealed class WebhookCircuitTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new(("Approvals:Webhooks:BreakDuration", "00:05:00"), ("Approvals:Webhooks:FirstBreak", "00:05:00"));
    private OwnReceiver _broken = null!;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _broken = await _app.OwnReceiverAsync();
        _broken.Receiver.AlwaysAnswer = 503;
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task An_endpoint_failing_every_attempt_has_its_circuit_opened_and_its_next_notice_waits_without_an_attempt()
    {
        var first = await DeliveryToBrokenAsync(await _app.RequestOvertimeAsync(), d => d.GetProperty("status").GetString() == "dead");
        Assert.Equal((3, "HTTP 503"), (first.GetProperty("attempts").GetInt32(), first.GetProperty("lastError").GetString()));
        Assert.Equal(3, _broken.Receiver.Requests);

        var second = await _app.RequestOvertimeAsync();

        var waiting = await DeliveryToBrokenAsync(second, d => d.GetProperty("lastError").GetString() is { } e && e.Contains("circuit is open", StringComparison.Ordinal));
        Assert.Equal(("pending", 0), (waiting.GetProperty("status").GetString(), waiting.GetProperty("attempts").GetInt32()));
        Assert.Equal(3, _broken.Receiver.Requests);
        await _app.Bridge.WaitForAsync(w => w.Type == "approval.requested" && w.Data.GetProperty("approvalId").GetGuid() == second,
            "the bridge, another endpoint, receiving the second notice while the broken endpoint's circuit is open");
    }

    private Task<JsonElement> DeliveryToBrokenAsync(Guid approvalId, Func<JsonElement, bool> match) =>
        _broken.DeliveryAsync(approvalId, match, $"the broken endpoint's delivery of {approvalId}");
}
