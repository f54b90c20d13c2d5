using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Approvals.Webhooks;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Deliveries to a real receiver that misbehaves: retried, logged, dead-lettered, re-driven.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();
    private OwnReceiver _own = null!;

    private WebhookReceiver Flaky => _own.Receiver;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        _own = await _app.OwnReceiverAsync(sites: ["OH-DAYTON"]);
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    /// <summary>The delivery in full (with its attempts), once it is in <paramref name="status"/>.</summary>
    private async Task<JsonElement> DeliveryAsync(Guid approvalId, string status)
    {
        var found = await _own.DeliveryAsync(approvalId, status);
        return await _app.Client.GetFromJsonAsync<JsonElement>($"/webhooks/deliveries/{found.GetProperty("deliveryId").GetGuid()}");
    }

    [Fact]
    public async Task A_receiver_failing_twice_gets_the_notice_on_the_third_attempt_with_every_attempt_logged()
    {
        Flaky.FailFirst = 2;

        var approvalId = await _app.RequestOvertimeAsync();

        var delivered = await DeliveryAsync(approvalId, "delivered");
        Assert.Equal([503, 503, 204], delivered.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        var received = Assert.Single(Flaky.Received);
        Assert.True(received.SignatureValid);
        Assert.Equal(approvalId, received.Data.GetProperty("approvalId").GetGuid());
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_gets_the_notice_dead_lettered_and_it_can_be_re_driven()
    {
        Flaky.AlwaysAnswer = 500;
        var approvalId = await _app.RequestOvertimeAsync();

        var dead = await DeliveryAsync(approvalId, "dead");
        Assert.Equal(3, dead.GetProperty("delivery").GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 500", dead.GetProperty("delivery").GetProperty("lastError").GetString());

        Flaky.AlwaysAnswer = null;
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // let the endpoint's circuit close
        var deliveryId = dead.GetProperty("delivery").GetProperty("deliveryId").GetGuid();
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Client.PostAsync($"/webhooks/deliveries/{deliveryId}/redeliver", null)).StatusCode);

        var delivered = await DeliveryAsync(approvalId, "delivered");
        Assert.Equal(4, delivered.GetProperty("delivery").GetProperty("attempts").GetInt32());
        var message = Assert.Single(Flaky.Received);
        Assert.Equal($"msg_{deliveryId:N}", message.Id);
        Assert.True(message.SignatureValid);
    }

    [Fact]
    public async Task A_receiver_refusing_the_message_outright_gets_it_dead_lettered_without_retries()
    {
        Flaky.AlwaysAnswer = 410;

        var dead = await DeliveryAsync(await _app.RequestOvertimeAsync(), "dead");

        Assert.Equal(1, dead.GetProperty("delivery").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_subscription_scoped_to_a_site_gets_nothing_from_another_site()
    {
        await _app.PutAsync("/directory/TN-SMYRNA/roles/plant-manager", new { people = new[] { Overtime.Smyrna } });
        await _app.PostAsync("/approvals", ApprovalsApp.OvertimeRequest(site: "TN-SMYRNA"), HttpStatusCode.Created);
        var dayton = await _app.RequestOvertimeAsync();

        await DeliveryAsync(dayton, "delivered");
        Assert.All(Flaky.Received, w => Assert.Equal("OH-DAYTON", w.Data.GetProperty("site").GetString()));
    }

    [Fact]
    public async Task Redelivering_a_delivery_still_pending_is_a_conflict()
    {
        Flaky.AlwaysAnswer = 503;
        var approvalId = await _app.RequestOvertimeAsync();
        var dead = await DeliveryAsync(approvalId, "dead");
        var deliveryId = dead.GetProperty("delivery").GetProperty("deliveryId").GetGuid();
        Assert.Equal(HttpStatusCode.Accepted, (await _app.Client.PostAsync($"/webhooks/deliveries/{deliveryId}/redeliver", null)).StatusCode);

        var again = await _app.Client.PostAsync($"/webhooks/deliveries/{deliveryId}/redeliver", null);

        // Its circuit is still open, so it waits (pending) rather than going dead again within the second.
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.PostAsync($"/webhooks/deliveries/{Guid.NewGuid()}/redeliver", null)).StatusCode);
    }
}
