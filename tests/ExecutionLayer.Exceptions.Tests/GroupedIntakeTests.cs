using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.ReceivingEvents;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static ExecutionLayer.Exceptions.Tests.PlantDay;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// Posts that queue for the graph's turn while another holds it are written together, in one transaction — and each is
/// still its own: answered for its own events, recorded as its own caller's, in its own trace, an event two of them bring
/// stored once.
/// </summary>
public sealed class GroupedIntakeTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private static object Machine(string id) =>
        Event(id, "mes-cnc", "MachineStateChanged", "work-center/CNC-9", Monday, new { workCenter = "CNC-9", state = "running" });

    [Fact]
    public async Task Posts_queued_for_the_graphs_turn_are_one_transaction_each_answered_and_recorded_as_its_own()
    {
        await app.PostEventsAsync(Plan("-grp"));
        var handler = app.Services.GetRequiredService<ReceiveEventsHandler>();
        var (erpTrace, qmsTrace) = (ActivityTraceId.CreateRandom().ToHexString(), ActivityTraceId.CreateRandom().ToHexString());

        Task<JsonElement> first, second, third;
        await using (var turn = await HoldTheGraphsTurnAsync())
        {
            first = PostAsync("mes-line-1", null, Machine("grp-0"));
            await Eventually.TrueAsync(async () => await app.CountAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory' AND datname = current_database()") == 1, "the first post waiting for the turn");
            second = PostAsync("erp-oh", erpTrace, Machine("grp-1"), Machine("grp-2"));
            await Eventually.TrueAsync(() => handler.PostsQueued == 1, "the second post queued");
            third = PostAsync("mes-qms", qmsTrace, Machine("grp-2"), HoldOnBarStock("-grp"));
            await Eventually.TrueAsync(() => handler.PostsQueued == 2, "the third post queued");
        }

        Assert.Equal(["accepted"], Statuses(await first));
        Assert.Equal(["accepted", "accepted"], Statuses(await second));
        Assert.Equal(["duplicate", "accepted"], Statuses(await third)); // grp-2 came with the second post, just before it
        Assert.Equal(1, await app.CountAsync(
            $"SELECT count(*) FROM exceptions.mt_events WHERE type = '{ReceiveEventsHandler.IntakeEventType}' AND data->>'sourceEventId' = 'grp-2'"));

        var stored = await StoredAsync("grp-0", "grp-1", "grp-2", "hold-grp");
        Assert.Equal(stored["grp-1"].Transaction, stored["hold-grp"].Transaction);
        Assert.NotEqual(stored["grp-0"].Transaction, stored["grp-1"].Transaction);
        Assert.Equal(["mes-line-1", "erp-oh", "erp-oh", "mes-qms"], new[] { "grp-0", "grp-1", "grp-2", "hold-grp" }.Select(id => stored[id].Actor));
        Assert.Equal([erpTrace, erpTrace, qmsTrace], new[] { "grp-1", "grp-2", "hold-grp" }.Select(id => stored[id].Trace));

        // The hold's case was opened in that transaction, in the trace of the post that brought the hold, not the one that led the group.
        var caseId = DeterministicId.From($"case|{ReceiveEventsHandler.IntakeEventId("mes-qms", "hold-grp")}"); // as Observation.CaseId names it
        Assert.Equal([qmsTrace], (await app.StringsAsync(
            $"SELECT DISTINCT split_part(headers->>'traceparent', '-', 2) FROM exceptions.mt_events WHERE stream_id = 'case-{caseId}'")));
    }

    private async Task<JsonElement> PostAsync(string caller, string? traceId, params object[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events") { Content = JsonContent.Create(events) };
        request.Headers.Add(GatewayHeaders.Actor, caller);
        if (traceId is not null) request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Statuses(JsonElement answer) =>
        [.. answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()!)];

    /// <summary>The graph's turn, held by the test until disposed, as a long group would hold it.</summary>
    private async Task<IAsyncDisposable> HoldTheGraphsTurnAsync()
    {
        var connection = await app.Database.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
        take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = GraphWriter.Turn });
        await take.ExecuteNonQueryAsync();
        return new Held(connection, transaction);
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Each intake event's transaction (xmin), actor and trace id, by its id at the source.</summary>
    private async Task<Dictionary<string, (string Transaction, string Actor, string Trace)>> StoredAsync(params string[] ids)
    {
        await using var command = app.Database.DataSource.CreateCommand($"""
            SELECT data->>'sourceEventId', xmin::text, headers->>'actor', split_part(headers->>'traceparent', '-', 2) FROM exceptions.mt_events
            WHERE type = '{ReceiveEventsHandler.IntakeEventType}' AND data->>'sourceEventId' = ANY($1)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        var stored = new Dictionary<string, (string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) stored[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
        return stored;
    }
}
