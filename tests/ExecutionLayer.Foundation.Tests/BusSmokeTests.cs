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

    private static IHost BuildHost(FreshVirtualHost vhost, TaskCompletionSource<SmokePinged> received)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(vhost.Configuration);
        builder.Services.AddSingleton(received);
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus => bus.AddConsumer<SmokePingedConsumer>());
        return builder.Build();
    }

    private sealed record QueueInfo(string Type, System.Text.Json.JsonElement Arguments);
}
