using System.Net;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>An MES posting CloudEvents through the gateway in each content mode: the proxy passes the ce-* headers and content types on as sent.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class CloudEventsTests(FrontDoor door)
{
    private static readonly JsonEventFormatter Formatter = new();

    private static CloudEvent Scrap(string id) => new([IntakeParser.Site])
    {
        Id = id,
        Source = new Uri("urn:oh-dayton:mes:qc", UriKind.Absolute),
        Type = "KpiMeasured",
        Subject = "kpi/scrap-rate",
        Time = DateTimeOffset.UtcNow,
        DataContentType = "application/json",
        Data = new { kpi = "scrap-rate", value = 3.1m, unit = "%", measuredAt = DateTimeOffset.UtcNow },
        [IntakeParser.Site] = FrontDoor.Dayton,
    };

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task An_event_in_either_single_event_mode_is_accepted_through_the_gateway(ContentMode mode)
    {
        using var intake = door.Client("intake");

        var answer = await (await intake.PostAsync("/api/events", Scrap($"gw-{mode}-{Guid.NewGuid():N}").ToHttpContent(mode, Formatter))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task A_batch_is_accepted_through_the_gateway()
    {
        using var intake = door.Client("intake");
        IReadOnlyList<CloudEvent> batch = [Scrap($"gw-batch-{Guid.NewGuid():N}"), Scrap($"gw-batch-{Guid.NewGuid():N}")];

        var answer = await (await intake.PostAsync("/api/events", batch.ToHttpContent(Formatter))).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(2, answer.GetProperty("accepted").GetInt32());
    }
}
