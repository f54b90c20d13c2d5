using ExecutionLayer.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ExecutionLayer.Faults.Tests;

[Collection(FaultsCollection.Name)]
[Trait("Category", "Faults")]
public sealed class ServerOutageTests(FaultyPlant plant, ITestOutputHelper output)
{
    [Fact]
    public async Task RabbitMQ_restarted_mid_burst_loses_nothing_confirmed_and_the_rest_is_sent_again_from_the_stores()
    {
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
        {
            await plant.Servers.StopRabbitMqAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await plant.Servers.StartRabbitMqAsync();
        });

        Assert.True(report.Holds, plant.Explain(outcome, report));
        Assert.Equal(0, plant.Load.Latencies.TotalAbandoned);
        // Every receive endpoint came back: a queue without its consumer would hold the next message for ever.
        // (The management API shows a queue's consumers again once the restarted node has emitted its stats.)
        List<string> abandoned = [];
        for (var i = 0; i < 60; i++)
        {
            abandoned = await QueuesWithoutConsumersAsync();
            if (abandoned.Count == 0) break;
            await Task.Delay(500);
        }
        Assert.True(abandoned.Count == 0, $"queues without a consumer after the restart: {string.Join(", ", abandoned)}");
    }

    private async Task<List<string>> QueuesWithoutConsumersAsync() => [.. (await plant.QueuesAsync())
        .Where(q => !q.Name.EndsWith("_error", StringComparison.Ordinal) && !q.Name.EndsWith("_skipped", StringComparison.Ordinal) && q.Consumers == 0)
        .Select(q => q.Name)];

    [Fact]
    public async Task PostgreSQL_stopped_immediately_under_load_keeps_every_acknowledged_write()
    {
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(4), async () =>
        {
            await plant.Servers.CrashPostgresAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await plant.Servers.StartPostgresAsync();
        });

        Assert.True(report.Holds, plant.Explain(outcome, report));
        // Identity values handed out before the crash but never committed are skipped after recovery:
        // positions jump, and the reconciliation (which counts events, not positions) must not call that loss.
        foreach (var service in new[] { "exceptions", "approvals", "actions" })
            output.WriteLine($"{service}: {await Database.ScalarAsync(plant.System, $"SELECT max({ServiceEvents.PositionColumn(service)}) - count(*) FROM {ServiceEvents.Table(service)}")} position(s) skipped");
    }

    /// <summary>What the three outboxes have published, by their own counts.</summary>
    private Task<long> PublishedAsync() => PublishedAsync(Services);

    private Task<long> PublishedAsync(IEnumerable<string> services) => Database.ScalarAsync(plant.System,
        $"SELECT 0{string.Concat(services.Select(s => $" + ({ServiceEvents.PublishedSql(s)})"))}");

    [Fact]
    public async Task A_long_open_write_transaction_pauses_the_subscribers_without_skipping_and_its_timeout_frees_them()
    {
        long storedWhilePaused = 0;
        var xid = "";
        var reserved = new Dictionary<string, long>();
        var passedWhilePaused = new Dictionary<string, long>();
        Exception? endOfTheForgottenTransaction = null;
        var (outcome, report) = await plant.UnderLoadAsync(TimeSpan.FromSeconds(3), async () =>
        {
            // A session that took a transaction id and then went quiet: an older write still open, so no
            // subscriber may pass it (a later commit could otherwise be read before it and skipped).
            // Opened as the services connect: Marten's daemon judges a gap by the transactions its own role can see.
            await using var forgotten = new NpgsqlConnection(plant.System.Database.ConnectionString);
            await forgotten.OpenAsync();
            await using (var setting = new NpgsqlCommand("SET idle_in_transaction_session_timeout = '6s'", forgotten)) await setting.ExecuteNonQueryAsync();
            await using var transaction = await forgotten.BeginTransactionAsync();
            await using (var take = new NpgsqlCommand("SELECT pg_current_xact_id()::text", forgotten, transaction)) xid = (string)(await take.ExecuteScalarAsync())!;
            // On Marten a writer holds subscribers back once it has taken the next place in the log, as an append
            // does before it commits: that place is a gap no subscriber may pass while the writer may still fill it.
            foreach (var service in OnMarten)
                await using (var reserve = new NpgsqlCommand($"SELECT nextval('{service}.mt_events_sequence')", forgotten, transaction))
                    reserved[service] = Convert.ToInt64(await reserve.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

            await Task.Delay(TimeSpan.FromMilliseconds(500)); // a batch read before the transaction began may still complete
            var storedBefore = await Database.ScalarAsync(plant.System, $"SELECT count(*) FROM {ServiceEvents.Table("exceptions")}");
            await Task.Delay(TimeSpan.FromSeconds(3));
            storedWhilePaused = await Database.ScalarAsync(plant.System, $"SELECT count(*) FROM {ServiceEvents.Table("exceptions")}") - storedBefore;
            // An outbox may still be catching up on what committed before (it publishes in pages); it must not pass the open transaction.
            foreach (var service in OnMarten) passedWhilePaused[service] = await Database.ScalarAsync(plant.System, ServiceEvents.OutboxMarkSql(service));
            foreach (var service in OnOwnStore)
                passedWhilePaused[service] = await Database.ScalarAsync(plant.System,
                    $"SELECT count(*) FROM {service}.checkpoints WHERE name = 'outbox:{service}' AND last_tx_id >= '{xid}'::xid8");

            await Task.Delay(TimeSpan.FromSeconds(3)); // past the session's timeout: the server ends it
            try
            {
                await using var after = new NpgsqlCommand("SELECT 1", forgotten, transaction);
                await after.ExecuteScalarAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                endOfTheForgottenTransaction = e;
            }
        });

        Assert.True(storedWhilePaused > 0, "Nothing was written while the transaction was open.");
        foreach (var service in OnOwnStore) Assert.True(passedWhilePaused[service] == 0, $"{service}'s outbox passed the open transaction {xid}");
        foreach (var service in OnMarten)
        {
            Assert.True(passedWhilePaused[service] < reserved[service],
                $"{service}'s outbox passed place {reserved[service]} (at {passedWhilePaused[service]}) while the transaction that took it was open");
            output.WriteLine($"{service}: the outbox stopped at {passedWhilePaused[service]} below the open place {reserved[service]}, and after the timeout is at {await Database.ScalarAsync(plant.System, ServiceEvents.OutboxMarkSql(service))}");
        }
        Assert.NotNull(endOfTheForgottenTransaction);
        Assert.True(report.Holds, plant.Explain(outcome, report));
    }

    private static readonly string[] Services = ["exceptions", "approvals", "actions"];
    private static readonly string[] OnMarten = [.. Services.Where(ServiceEvents.IsOnMarten)];
    private static readonly string[] OnOwnStore = [.. Services.Where(s => !ServiceEvents.IsOnMarten(s))];
}
