using System.Net.Http.Json;
using System.Text.Json;

namespace ExecutionLayer.Faults.Tests;

[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class PoisonMessageTests(FaultyPlant plant)
{
    private const string Queue = "action-requested";
    private const string ActionRequestedType = "urn:message:ExecutionLayer.Contracts.Exceptions:ActionRequested";

    [Fact]
    public async Task Poison_messages_go_to_the_dead_letter_queues_the_queue_keeps_moving_and_the_dead_letters_can_be_re_driven()
    {
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(2), async () =>
        {
            await PublishAsync("{ this is not json", "application/vnd.masstransit+json");
            await PublishAsync(Envelope("urn:message:Nobody.Knows:ThisType", new { whatever = 1 }), "application/vnd.masstransit+json");
            // Well-formed, but its handler throws every time (no severity to set a due date by).
            await PublishAsync(Envelope(ActionRequestedType, new
            {
                requestId = Guid.NewGuid(), caseId = Guid.NewGuid(), site = "OH-DAYTON", function = "maintenance", ownerRole = "maintenance-lead",
                title = "poison", severity = (string?)null, productionOrders = Array.Empty<string>(), shipments = Array.Empty<string>(),
                valueAtRisk = 0, requestedAt = DateTimeOffset.UtcNow,
            }), "application/vnd.masstransit+json");
            // A good one behind them: the routed actions of this breakdown must still be made.
            await plant.Load.ReportBreakdownAsync(CancellationToken.None);
        });

        Assert.True(report.Holds, plant.Explain(outcome, report));
        Assert.Equal(2, await WaitForDepthAsync($"{Queue}_error", 2));
        Assert.Equal(1, await WaitForDepthAsync($"{Queue}_skipped", 1));

        await plant.Servers.InfraAsync("rabbitmq.sh", "redrive", plant.System.VirtualHost.Name, Queue, "error");

        // The shovel moved both back (it marks what it moves); the consumer took them again and, still
        // poison, they are dead letters once more — fix the cause first, then re-drive.
        await Eventually(async () =>
        {
            var dead = await PeekAsync($"{Queue}_error");
            return dead.Count == 2 && dead.All(m => m.TryGetProperty("headers", out var h) && h.TryGetProperty("x-shovelled", out _));
        });
    }

    /// <summary>The queue's messages' properties, left in the queue.</summary>
    private async Task<List<JsonElement>> PeekAsync(string queue)
    {
        var vhost = Uri.EscapeDataString(plant.System.VirtualHost.Name);
        var answer = await plant.System.VirtualHost.Management.PostAsJsonAsync($"queues/{vhost}/{queue}/get",
            new { count = 10, ackmode = "ack_requeue_true", encoding = "auto", truncate = 1000 });
        if (!answer.IsSuccessStatusCode) return [];
        using var messages = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return [.. messages.RootElement.EnumerateArray().Select(m => m.GetProperty("properties").Clone())];
    }

    private static string Envelope(string type, object message) => JsonSerializer.Serialize(new
    {
        messageId = Guid.NewGuid(), messageType = new[] { type }, message, sentTime = DateTimeOffset.UtcNow,
        destinationAddress = $"rabbitmq://localhost/{Queue}",
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Straight into the consumer's queue through the default exchange, as a misbehaving publisher would.</summary>
    private async Task PublishAsync(string payload, string contentType)
    {
        var vhost = Uri.EscapeDataString(plant.System.VirtualHost.Name);
        var answer = await plant.System.VirtualHost.Management.PostAsJsonAsync($"exchanges/{vhost}/amq.default/publish", new
        {
            properties = new { content_type = contentType, delivery_mode = 2, message_id = Guid.NewGuid().ToString() },
            routing_key = Queue, payload, payload_encoding = "string",
        });
        answer.EnsureSuccessStatusCode();
        using var routed = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        Assert.True(routed.RootElement.GetProperty("routed").GetBoolean());
    }

    private async Task<long> WaitForDepthAsync(string queue, long expected)
    {
        long depth = -1;
        for (var i = 0; i < 600 && depth != expected; i++)
        {
            var found = await QueueAsync(queue);
            depth = found.ValueKind == JsonValueKind.Object && found.TryGetProperty("messages", out var m) ? m.GetInt64() : -1;
            if (depth != expected) await Task.Delay(100);
        }
        return depth;
    }

    private async Task<JsonElement> QueueAsync(string queue)
    {
        var vhost = Uri.EscapeDataString(plant.System.VirtualHost.Name);
        var answer = await plant.System.VirtualHost.Management.GetAsync($"queues/{vhost}/{queue}");
        return answer.IsSuccessStatusCode ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone() : default;
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("The dead letters did not come back through the consumer after the re-drive.");
    }
}
