using ExecutionLayer.Testing;
using ExecutionLayer.Messaging.Outbox;
using Npgsql;

namespace ExecutionLayer.Faults.Tests;

[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ProcessCrashTests(FaultyPlant plant, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_service_killed_between_commit_and_publish_publishes_the_same_messages_once_restarted()
    {
        long unpublished = 0, lastPublished = 0;
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
        {
            // The broker stops taking publications (a memory alarm blocks every publishing connection), so
            // the intake keeps committing events the outbox cannot get confirmed.
            await plant.Servers.InfraAsync("rabbitmq.sh", "ctl", "set_vm_memory_high_watermark", "0");
            try
            {
                await plant.Load.ReportBreakdownAsync(CancellationToken.None);
                await Task.Delay(TimeSpan.FromSeconds(2));
                unpublished = await Database.UnpublishedAsync(plant.System, "exceptions");
                lastPublished = await Database.ScalarAsync(plant.System, ServiceEvents.OutboxMarkSql("exceptions"));
                await plant.System.Instance("exceptions").KillHardAsync();
            }
            finally
            {
                await plant.Servers.InfraAsync("rabbitmq.sh", "ctl", "set_vm_memory_high_watermark", "0.4");
                if (plant.System.Instance("exceptions").HasExited) await plant.System.RestartAsync(plant.System.Instance("exceptions"));
            }
        });

        Assert.True(unpublished > 0, "The kill did not fall between commit and publish: nothing was waiting in the outbox.");
        Assert.True(report.Holds, plant.Explain(outcome, report));
        await AssertSameMessageIdsAsync(lastPublished);
    }

    /// <summary>The events published after the restart carry the ids the first, unconfirmed attempt gave them: derived from the event, not drawn anew.</summary>
    private async Task AssertSameMessageIdsAsync(long after)
    {
        await using var connection = new NpgsqlConnection(plant.System.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT e.{ServiceEvents.IdColumn("exceptions")}, l.message_id FROM {ServiceEvents.Table("exceptions")} e
            JOIN audit.ledger l ON l.source = 'exceptions' AND l.source_event_id = e.{ServiceEvents.IdColumn("exceptions")} WHERE e.{ServiceEvents.PositionColumn("exceptions")} > {after}
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            Assert.Equal(DeterministicId.For("exceptions", reader.GetGuid(0), 0), reader.GetGuid(1));
        }
        Assert.True(rows > 0);
    }

    /// <summary>How soon after a restart a service's subscriptions — its outbox among them — must have passed what was stored before it.</summary>
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_service_killed_hard_mid_burst_has_its_outbox_and_projections_caught_up_within_seconds_of_its_restart()
    {
        var caughtUp = new Dictionary<string, TimeSpan>();
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
        {
            foreach (var service in new[] { "exceptions", "approvals" })
            {
                await plant.System.KillAndRestartAsync(plant.System.Instance(service));
                caughtUp[service] = await CaughtUpAsync(service);
            }
        });

        Assert.True(report.Holds, plant.Explain(outcome, report));
        foreach (var (service, after) in caughtUp) output.WriteLine($"{service}: caught up {after.TotalSeconds:F1} s after its restart");
        foreach (var (service, after) in caughtUp)
            Assert.True(after < CatchUp, $"The {service} service's subscriptions passed what was stored before its restart {after.TotalSeconds:F1} s after it was ready.\n{plant.System.Logs()}");
    }

    /// <summary>From the moment the restarted service is ready: how long until every one of its subscriptions has passed the last event stored by then.</summary>
    private async Task<TimeSpan> CaughtUpAsync(string service)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stored = await Database.ScalarAsync(plant.System, $"SELECT coalesce(max(seq_id), 0) FROM {service}.mt_events");
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var behind = await Database.ScalarAsync(plant.System,
                $"SELECT count(*) FROM {service}.mt_event_progression WHERE name NOT LIKE 'HighWater%' AND last_seq_id < {stored}");
            if (behind == 0) return clock.Elapsed;
            await Task.Delay(100);
        }
        return clock.Elapsed;
    }

    [Fact]
    public async Task A_consumer_killed_before_its_ack_has_the_redelivered_message_take_effect_once()
    {
        long unacknowledged = 0;
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(3), async () =>
        {
            // Hold the actions service's inbox against writes: its consumers take ActionRequested messages and
            // wait inside the handler, unacknowledged. EXCLUSIVE, not ACCESS EXCLUSIVE: the latter is WAL-logged
            // under a transaction id, and an open writer pauses every subscription, so no case would route at all.
            await using var holder = new NpgsqlConnection(plant.System.Database.AdminConnectionString);
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            try
            {
                await using (var command = new NpgsqlCommand("LOCK TABLE actions.inbox IN EXCLUSIVE MODE", holder, hold)) await command.ExecuteNonQueryAsync();
                await plant.Load.ReportBreakdownAsync(CancellationToken.None);
                unacknowledged = await WaitForHandlersHeldAsync();
                await plant.System.Instance("actions").KillHardAsync();
            }
            finally
            {
                await hold.RollbackAsync();
                // Whatever happened above, the next test needs the service back.
                if (plant.System.Instance("actions").HasExited) await plant.System.RestartAsync(plant.System.Instance("actions"));
            }
        });

        Assert.True(unacknowledged > 0, "No message was in the consumer's hands when it was killed.");
        Assert.True(report.Holds, plant.Explain(outcome, report));
    }

    /// <summary>Handlers blocked on the held inbox: each is inside its transaction with its message delivered and not yet acknowledged.</summary>
    private async Task<long> WaitForHandlersHeldAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            var waiting = await Database.ScalarAsync(plant.System, "SELECT count(*) FROM pg_locks WHERE relation = 'actions.inbox'::regclass AND NOT granted");
            if (waiting > 0) return waiting;
            await Task.Delay(100);
        }
        return 0;
    }
}
