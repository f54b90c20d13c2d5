using System.Net.Http.Json;
using ExecutionLayer.Messaging;
using ExecutionLayer.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExecutionLayer.Foundation.Tests;

public sealed record SmokePinged(Guid PingId, string Site, DateTimeOffset PingedAt);

public sealed class SmokePingedConsumer(TaskCompletionSource<SmokePinged> received) : IConsumer<SmokePinged>
{
    public Task Consume(ConsumeContext<SmokePinged> context)
    {
        received.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

public sealed record SmokeBroke(Guid PingId);

/// <summary>Always throws, so every message it is given ends in the queue's _error queue.</summary>
public sealed class SmokeBrokeConsumer : IConsumer<SmokeBroke>
{
    public Task Consume(ConsumeContext<SmokeBroke> context) => throw new InvalidOperationException($"broken on purpose: {context.Message.PingId}");
}

/// <summary>Goes to a queue that is full and refuses more (x-overflow reject-publish): a broker saying no.</summary>
public sealed record SmokeRefused(Guid PingId);

public sealed class BusSmokeTests(FreshVirtualHost vhost) : IClassFixture<FreshVirtualHost>
{
    [Fact]
    public async Task A_published_message_is_consumed_over_the_real_broker()
    {
        var received = new TaskCompletionSource<SmokePinged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(vhost, received);
        await host.StartAsync();
        try
        {
            var sent = new SmokePinged(Guid.NewGuid(), "OH-DAYTON", DateTimeOffset.UtcNow);
            await host.Services.GetRequiredService<IPublishEndpoint>().Publish(sent);

            var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(sent, got);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Receive_queues_are_quorum_queues_with_a_delivery_limit_and_a_dead_letter_queue()
    {
        using var host = BuildHost(vhost, new TaskCompletionSource<SmokePinged>());
        await host.StartAsync();
        await host.StopAsync();

        var queue = await vhost.Management.GetFromJsonAsync<QueueInfo>($"queues/{Uri.EscapeDataString(vhost.Name)}/smoke-pinged");
        Assert.NotNull(queue);
        Assert.Equal("quorum", queue.Type);
        Assert.Equal(5, queue.Arguments.GetProperty("x-delivery-limit").GetInt32());
        Assert.Equal("smoke-pinged_error", queue.Arguments.GetProperty("x-dead-letter-exchange").GetString());
        var errorQueue = await vhost.Management.GetAsync($"queues/{Uri.EscapeDataString(vhost.Name)}/smoke-pinged_error");
        Assert.True(errorQueue.IsSuccessStatusCode, "the dead-letter queue is declared up front, so nothing dead-lettered is dropped");
    }

    [Fact]
    public void MassTransits_usage_telemetry_is_off_so_no_service_calls_outside_the_plant()
    {
        using var host = BuildHost(vhost, new TaskCompletionSource<SmokePinged>());
        Assert.False(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    /// <summary>
    /// Regression: the _error queue was declared twice with different arguments — plain by the dead-letter
    /// binding, and with the receive queue's own (quorum, delivery limit, dead-letter exchange) by
    /// MassTransit's error transport. The broker refused the second declaration, the channel closed and the
    /// endpoint stayed degraded, consuming nothing more (found by the poison-message fault test under load).
    /// </summary>
    [Fact]
    public async Task Bug_error_queue_declared_twice_after_a_fault_the_endpoint_keeps_consuming_and_the_error_queue_is_plain_quorum()
    {
        using var host = BuildHost(vhost, new TaskCompletionSource<SmokePinged>());
        await host.StartAsync();
        try
        {
            var publish = host.Services.GetRequiredService<IPublishEndpoint>();
            await publish.Publish(new SmokeBroke(Guid.NewGuid()));
            Assert.Equal(1, await DepthAsync("smoke-broke_error", 1));
            await publish.Publish(new SmokeBroke(Guid.NewGuid()));
            Assert.Equal(2, await DepthAsync("smoke-broke_error", 2));

            var errorQueue = await vhost.Management.GetFromJsonAsync<QueueInfo>($"queues/{Uri.EscapeDataString(vhost.Name)}/smoke-broke_error");
            Assert.Equal("quorum", errorQueue!.Type);
            Assert.False(errorQueue.Arguments.TryGetProperty("x-dead-letter-exchange", out _), "an error queue dead-letters into nothing");
            Assert.False(errorQueue.Arguments.TryGetProperty("x-delivery-limit", out _), "an error queue keeps what it holds");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>
    /// The broker refusing every message for one exchange for longer than an election takes is how RabbitMQ 3.10's stuck
    /// channel shows (a quorum queue's record naming a leader on a node just gone); the bus is renewed, once, and carries
    /// messages afterwards. A full queue refusing publishes is the same answer from the broker, and can be made on one node.
    /// </summary>
    [Fact]
    public async Task Refusals_that_outlast_an_election_renew_the_bus_once_and_the_renewed_bus_carries_messages()
    {
        var received = new TaskCompletionSource<SmokePinged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = BuildHost(vhost, received);
        await host.StartAsync();
        try
        {
            await DeclareRefusingQueueAsync("ExecutionLayer.Foundation.Tests:SmokeRefused", "smoke-refusing");
            var publish = host.Services.GetRequiredService<IPublishEndpoint>();
            await publish.Publish(new SmokeRefused(Guid.NewGuid())); // a quorum queue takes one past its limit, then refuses

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var refused = publish.Publish(new SmokeRefused(Guid.NewGuid()), patience.Token); // MassTransit tries it again and again
            var observer = host.Services.GetRequiredService<RefusedPublishObserver>();
            await Eventually.TrueAsync(() => observer.Renewed > 0, "the bus renewed after the broker kept refusing", TimeSpan.FromSeconds(60));
            await Assert.ThrowsAnyAsync<Exception>(() => refused); // never reported as sent: the caller (the outbox) tries again

            // As the outbox publishes: through the bus, which after the renewal has a new connection and channels.
            var sent = new SmokePinged(Guid.NewGuid(), "OH-DAYTON", DateTimeOffset.UtcNow);
            await host.Services.GetRequiredService<IBus>().Publish(sent);
            Assert.Equal(sent, await received.Task.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(1, host.Services.GetRequiredService<PublishRefusals>().Renewals);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private async Task DeclareRefusingQueueAsync(string exchange, string queue)
    {
        var name = Uri.EscapeDataString(vhost.Name);
        // As MassTransit declares a message type's exchange, so its own declaration matches this one.
        (await vhost.Management.PutAsJsonAsync($"exchanges/{name}/{Uri.EscapeDataString(exchange)}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await vhost.Management.PutAsJsonAsync($"queues/{name}/{queue}", new
        {
            durable = true,
            arguments = new Dictionary<string, object> { ["x-queue-type"] = "quorum", ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" },
        })).EnsureSuccessStatusCode();
        (await vhost.Management.PostAsJsonAsync($"bindings/{name}/e/{Uri.EscapeDataString(exchange)}/q/{queue}", new { })).EnsureSuccessStatusCode();
    }

    private async Task<long> DepthAsync(string queue, long expected)
    {
        long depth = -1;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); depth != expected && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var answer = await vhost.Management.GetAsync($"queues/{Uri.EscapeDataString(vhost.Name)}/{queue}");
            if (!answer.IsSuccessStatusCode) continue;
            using var found = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            depth = found.RootElement.TryGetProperty("messages", out var m) ? m.GetInt64() : -1;
        }
        return depth;
    }

    private static IHost BuildHost(FreshVirtualHost vhost, TaskCompletionSource<SmokePinged> received)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(vhost.Configuration);
        builder.Services.AddSingleton(received);
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<SmokePingedConsumer>();
            bus.AddConsumer<SmokeBrokeConsumer>();
        });
        return builder.Build();
    }

    private sealed record QueueInfo(string Type, System.Text.Json.JsonElement Arguments);
}
