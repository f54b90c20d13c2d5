using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.EventSourcing.Hosting;
using ExecutionLayer.EventSourcing.Projections;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Tests;

public sealed record ApproveOvertime(string Approver);

/// <summary>Stops on every event: stands in for a projection with a bug.</summary>
public sealed class BrokenProjection : IProjection
{
    public string Name => "broken";
    public Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction tx, CancellationToken ct) => throw new InvalidOperationException("read model bug");
    public Task ResetAsync(NpgsqlTransaction tx, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The store wired into a real ASP.NET Core host the way a service wires it, over real PostgreSQL and RabbitMQ.</summary>
public sealed class HostingTests(FreshDatabase database, FreshVirtualHost vhost) : IClassFixture<FreshDatabase>, IClassFixture<FreshVirtualHost>
{
    private async Task<WebApplication> StartAsync(bool withBrokenProjection = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection([.. vhost.Configuration, new("ConnectionStrings:Overtime", database.ConnectionString)]);
        builder.AddServiceDefaults();
        var store = builder.Services.AddEventStore(builder.Configuration, "overtime", types => Overtime.Register(types), connectionStringName: "Overtime");
        if (withBrokenProjection) store.AddAsyncProjection<BrokenProjection>();
        builder.Services.AddExecutionLayerBus(builder.Configuration);
        builder.Services.AddOutboxPublisher("overtime");

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapPost("/overtime", async (OvertimeRequested request, EventStore s, TimeProvider clock, HttpResponse response) =>
        {
            var appended = await s.AppendAsync($"overtime-{request.RequestId}", Overtime.StreamType, ExpectedVersion.NoStream, NewEvents.Of(request));
            IfMatch.SetETag(response, appended.NextExpectedVersion);
            return Results.Created($"/overtime/{request.RequestId}", null);
        });
        app.MapPost("/overtime/{id:guid}/approve", async (Guid id, ApproveOvertime command, HttpRequest request, EventStore s, TimeProvider clock) =>
        {
            if (command.Approver == "planner") throw new RuleViolationException("segregation-of-duties", "The requester cannot approve their own request.");
            var result = await s.DecideAsync<Overtime>($"overtime-{id}", IfMatch.ExpectedVersion(request),
                state => Overtime.Approve(state, command.Approver, clock.GetUtcNow()), new EventMetadata(Actor: command.Approver));
            IfMatch.SetETag(request.HttpContext.Response, result.NextExpectedVersion);
            return Results.NoContent();
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<Guid> RequestAsync(HttpClient client)
    {
        var id = Guid.NewGuid();
        var created = await client.PostAsJsonAsync("/overtime", new OvertimeRequested(id, "OH-DAYTON", 18_000m, "planner", StoreFixture.Monday));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        return id;
    }

    private static HttpRequestMessage Approve(Guid id, string approver, string? ifMatch = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, $"/overtime/{id}/approve") { Content = JsonContent.Create(new ApproveOvertime(approver)) };
        if (ifMatch is not null) message.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return message;
    }

    [Fact]
    public async Task Starting_a_service_migrates_its_schema_and_readiness_checks_postgres_subscriptions_and_the_bus()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();

        var ready = await client.GetAsync("/health/ready");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("subscriptions").GetProperty("status").GetString());
        Assert.Contains(checks.EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));

        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'overtime'");
        Assert.Equal(6L, await command.ExecuteScalarAsync());
        await app.StopAsync();
    }

    [Fact]
    public async Task Commands_answer_with_etags_and_conflicts_and_rule_violations_as_problems()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();
        var id = await RequestAsync(client);

        var stale = await client.SendAsync(Approve(id, "director", "\"7\""));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(1, (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("currentVersion").GetInt32());

        var own = await client.SendAsync(Approve(id, "planner", "\"1\""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.StatusCode);
        Assert.Equal("segregation-of-duties", (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString());

        var badHeader = await client.SendAsync(Approve(id, "director", "yesterday"));
        Assert.Equal(HttpStatusCode.BadRequest, badHeader.StatusCode);

        var approved = await client.SendAsync(Approve(id, "director", "\"1\""));
        Assert.Equal(HttpStatusCode.NoContent, approved.StatusCode);
        Assert.Equal("\"2\"", approved.Headers.ETag?.Tag);

        var again = await client.SendAsync(Approve(id, "director"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_stopped_projection_makes_the_instance_unready_and_says_why()
    {
        await using var app = await StartAsync(withBrokenProjection: true);
        var client = app.GetTestClient();
        await RequestAsync(client);

        HttpResponseMessage ready = null!;
        await Eventually.TrueAsync(async () => (ready = await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "readiness reports the stopped projection");
        var subscriptions = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("subscriptions");
        Assert.Contains("read model bug", subscriptions.GetProperty("description").GetString());
        await app.StopAsync();
    }
}
