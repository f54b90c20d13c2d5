using System.Diagnostics;
using System.Net;
using ExecutionLayer.Testing;
using Npgsql;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>One trace from the client's request to the work another service does on hearing of it.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class TracingTests(FrontDoor door)
{
    [Fact]
    public async Task A_request_without_trace_context_starts_one_at_the_gateway_and_it_follows_the_work_over_the_bus()
    {
        var (correlationId, kpi) = await ReportKpiAsync(traceParent: null);
        var trace = await AcrossTheBusAsync(kpi);
        // The gateway started the trace and took its id as the correlation id.
        Assert.Equal(correlationId, trace.Intake);
        Assert.Equal(trace.Intake, trace.Consumer);
    }

    [Fact]
    public async Task A_callers_trace_context_is_continued_through_every_hop()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var (_, kpi) = await ReportKpiAsync($"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var trace = await AcrossTheBusAsync(kpi);
        Assert.Equal(traceId, trace.Intake);
        Assert.Equal(traceId, trace.Consumer);
    }

    /// <summary>An MES posts a KPI reading; exceptions stores it and publishes it; actions records it from the bus.</summary>
    private async Task<(string CorrelationId, string Kpi)> ReportKpiAsync(string? traceParent)
    {
        var kpi = $"scrap-{Guid.NewGuid():N}"[..20];
        using var mes = door.Client("intake");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new[]
            {
                new { id = $"kpi-{kpi}", source = "mes-qc", type = "KpiMeasured", site = FrontDoor.Dayton, subject = $"kpi/{kpi}",
                    occurredAt = DateTimeOffset.UtcNow, data = new { kpi, value = 3.1m, unit = "%", measuredAt = DateTimeOffset.UtcNow } },
            }),
        };
        if (traceParent is not null) request.Headers.Add("traceparent", traceParent);
        var response = await mes.SendAsync(request);
        var answer = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        return (response.Headers.GetValues("X-Correlation-Id").Single(), kpi);
    }

    private async Task<(string Intake, string Consumer)> AcrossTheBusAsync(string kpi)
    {
        await using var db = NpgsqlDataSource.Create(door.Database.ConnectionString);
        var intake = await TraceIdAsync(db, "exceptions", "intake-mes-qc", $"\"kpi\": \"{kpi}\"");
        string? consumer = null;
        await Eventually.TrueAsync(async () =>
            (consumer = await TraceIdAsync(db, "actions", $"kpi-readings-{FrontDoor.Dayton}-{kpi}", null)) is not null, "the reading recorded by actions", TimeSpan.FromSeconds(20));
        Assert.NotNull(intake);
        return (intake, consumer!);
    }

    private static async Task<string?> TraceIdAsync(NpgsqlDataSource db, string schema, string stream, string? containing)
    {
        await using var command = db.CreateCommand($"""
            SELECT trace_parent FROM {schema}.events WHERE stream_id = $1 AND ($2::text IS NULL OR data::text LIKE '%' || $2 || '%') ORDER BY position DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)containing ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync() is string parent ? parent.Split('-')[1] : null;
    }
}
