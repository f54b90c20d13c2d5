using ExecutionLayer.Testing;
using System.Diagnostics;
using Npgsql;
using static ExecutionLayer.Demo.Plant.Cast;
using static ExecutionLayer.EndToEnd.Tests.Governing.GovernedPlant;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>
/// One trace from an MES post to the work another service does on hearing of it, across real processes:
/// the gateway, the intake, the outbox, the bus and the actions service's consumer. (It runs on processes:
/// several hosts' OpenTelemetry instrumentation in one test process all listen to every host's requests,
/// so an in-process test would judge the test harness, not the system.)
/// </summary>
[Collection(GovernedPlantCollection.Name)]
public sealed class OneTraceTests(GovernedPlant plant)
{
    [Fact]
    public async Task A_callers_trace_runs_through_the_gateway_the_intake_the_bus_and_a_consumer_in_another_service()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var kpi = await ReportKpiAsync($"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var (intake, consumer) = await TracesAsync(kpi);
        Assert.Equal(traceId, intake);
        Assert.Equal(traceId, consumer);
    }

    [Fact]
    public async Task A_request_without_trace_context_starts_one_at_the_gateway_that_the_consumer_continues()
    {
        var kpi = await ReportKpiAsync(traceParent: null);

        var (intake, consumer) = await TracesAsync(kpi);
        Assert.Equal(intake, consumer);
    }

    /// <summary>An MES posts a KPI reading; exceptions stores and publishes it; actions records it from the bus.</summary>
    private async Task<string> ReportKpiAsync(string? traceParent)
    {
        var kpi = $"scrap-{Guid.NewGuid():N}"[..20];
        var now = DateTimeOffset.UtcNow;
        var body = System.Text.Json.JsonSerializer.Serialize(new[]
        {
            Event($"kpi-{kpi}", "mes-qc", "KpiMeasured", $"kpi/{kpi}", now, new { kpi, value = 3.1m, unit = "%", measuredAt = now }),
        }, Demo.Api.GatewayClient.Json);
        var erp = plant.Erp with { Authorize = h => { plant.Erp.Authorize(h); if (traceParent is not null) h.Add("traceparent", traceParent); } };
        var answer = await plant.Calls.SendAsync(erp, HttpMethod.Post, "/api/events", body);
        Assert.True(answer.Status == 202, answer.ToString());
        return kpi;
    }

    private async Task<(string Intake, string Consumer)> TracesAsync(string kpi)
    {
        var intake = await UntilAsync("the intake event", async () => await TraceOfAsync("exceptions", "intake-mes-qc", kpi) is { } t ? (TraceId?)new(t) : null);
        var consumer = await UntilAsync("the reading recorded by actions", async () =>
            await TraceOfAsync("actions", $"readings-{Site}-{kpi}", null) is { } t ? (TraceId?)new(t) : null);
        return (intake.Value, consumer.Value);
    }

    private readonly record struct TraceId(string Value);

    private async Task<string?> TraceOfAsync(string service, string stream, string? containing)
    {
        await using var connection = new NpgsqlConnection(plant.System.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT {ServiceEvents.TraceParent(service)} FROM {ServiceEvents.Table(service)} WHERE stream_id = $1 AND ($2::text IS NULL OR data::text LIKE '%' || $2 || '%')
            ORDER BY {ServiceEvents.PositionColumn(service)} DESC LIMIT 1
            """, connection)
        {
            Parameters = { new() { Value = stream }, new() { Value = (object?)containing ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } },
        };
        return await command.ExecuteScalarAsync() is string parent ? parent.Split('-')[1] : null;
    }
}
