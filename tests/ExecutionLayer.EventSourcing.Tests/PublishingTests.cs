using System.Collections.Concurrent;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.EventSourcing.Inbox;
using ExecutionLayer.Messaging;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ExecutionLayer.EventSourcing.Tests;

public sealed record OvertimeApprovedIntegration(Guid RequestId, string ApprovedBy);

/// <summary>Maps only approvals: most domain events are private to their service.</summary>
public sealed class OvertimeMapper : IIntegrationEventMapper
{
    public IEnumerable<object> Map(RecordedEvent recorded) => recorded.Data switch
    {
        OvertimeApproved e => [new OvertimeApprovedIntegration(e.RequestId, e.ApprovedBy)],
        _ => [],
    };
}

public sealed class Deliveries
{
    public ConcurrentQueue<(string Source, long Sequence, Guid MessageId)> Audit { get; } = new();
    public ConcurrentQueue<(Guid MessageId, Guid RequestId)> Approvals { get; } = new();
}

/// <summary>An audit-like consumer: every delivery is counted, but its effect goes through the inbox.</summary>
public sealed class AuditFeedConsumer(MessageInbox inbox, Deliveries deliveries) : IConsumer<DomainEventRecorded>
{
    public async Task Consume(ConsumeContext<DomainEventRecorded> context)
    {
        deliveries.Audit.Enqueue((context.Message.Source, context.Message.SourceSequence, context.MessageId!.Value));
        await context.HandleOnceAsync(inbox, "audit-test", async uow =>
        {
            await using var effect = uow.CreateCommand("INSERT INTO test.audit_effects (source, sequence, message_id) VALUES ($1, $2, $3)");
            effect.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.Message.Source });
            effect.Parameters.Add(new NpgsqlParameter<long> { TypedValue = context.Message.SourceSequence });
            effect.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = context.MessageId!.Value });
            await effect.ExecuteNonQueryAsync();
        });
    }
}

public sealed class ApprovalsConsumer(Deliveries deliveries) : IConsumer<OvertimeApprovedIntegration>
{
    public Task Consume(ConsumeContext<OvertimeApprovedIntegration> context)
    {
        deliveries.Approvals.Enqueue((context.MessageId!.Value, context.Message.RequestId));
        return Task.CompletedTask;
    }
}

public sealed class PublishingTests(StoreFixture fixture, FreshVirtualHost vhost) : IClassFixture<StoreFixture>, IClassFixture<FreshVirtualHost>, IAsyncLifetime
{
    private readonly Deliveries _deliveries = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        await fixture.ExecuteAsync("CREATE TABLE IF NOT EXISTS test.audit_effects (source text, sequence bigint, message_id uuid)");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(vhost.Configuration);
        builder.Services.AddSingleton(fixture.Store);
        builder.Services.AddSingleton<MessageInbox>();
        builder.Services.AddSingleton(_deliveries);
        builder.Services.AddExecutionLayerBus(builder.Configuration, bus =>
        {
            bus.AddConsumer<AuditFeedConsumer>();
            bus.AddConsumer<ApprovalsConsumer>();
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private OutboxPublisher Publisher(string service, Func<IReadOnlyList<Guid>, Task>? afterConfirm = null) => new(
        fixture.Store, _host.Services.GetRequiredService<IBus>(), [new OvertimeMapper()],
        new OutboxOptions
        {
            Service = service,
            Subscription = new() { BatchSize = 40, PollInterval = TimeSpan.FromMilliseconds(20), TransientRetry = TimeSpan.FromMilliseconds(50) },
            AfterConfirmBeforeCheckpoint = afterConfirm,
        },
        NullLogger<OutboxPublisher>.Instance);

    private async Task AppendRequestsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            await fixture.Store.AppendAsync($"overtime-{id:N}", "overtime", ExpectedVersion.NoStream, NewEvents.Of(
                new OvertimeRequested(id, "OH-DAYTON", 1_000m + i, "planner", StoreFixture.Monday),
                new OvertimeApproved(id, "director", StoreFixture.Monday.AddHours(1))), new EventMetadata(CorrelationId: $"case-{i}"));
        }
    }

    private async Task<long> EffectsAsync(string source) => await fixture.CountAsync($"SELECT count(*) FROM test.audit_effects WHERE source = '{source}'");

    [Fact]
    public async Task Every_stored_event_reaches_the_audit_feed_with_a_dense_sequence_and_mapped_events_reach_their_consumers()
    {
        await AppendRequestsAsync(50);
        var total = await fixture.CountAsync("SELECT count(*) FROM test.events");
        using var publisher = Publisher("dense");
        await publisher.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => await EffectsAsync("dense") == total, $"{total} audit entries arrived");
        await publisher.StopAsync(CancellationToken.None);

        var sequences = _deliveries.Audit.Where(d => d.Source == "dense").Select(d => d.Sequence).Distinct().Order().ToArray();
        Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), sequences);
        var approvals = await fixture.CountAsync("SELECT count(*) FROM test.events WHERE event_type = 'overtime.approved'");
        await Eventually.TrueAsync(() => _deliveries.Approvals.Count >= approvals, "every approval was published as an integration event");
    }

    [Fact]
    public async Task A_crash_after_the_broker_confirmed_but_before_the_checkpoint_republishes_with_the_same_ids_and_the_inbox_absorbs_it()
    {
        await AppendRequestsAsync(20);
        var total = await fixture.CountAsync("SELECT count(*) FROM test.events");
        IReadOnlyList<Guid>? lostCheckpoint = null;
        using var publisher = Publisher("crashing", ids =>
        {
            if (lostCheckpoint is not null) return Task.CompletedTask;
            lostCheckpoint = ids;
            throw new IOException("process killed between broker confirm and checkpoint commit");
        });
        await publisher.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => await EffectsAsync("crashing") == total, $"{total} audit entries arrived");
        await Eventually.TrueAsync(() => lostCheckpoint!.All(id => _deliveries.Audit.Count(d => d.MessageId == id) + _deliveries.Approvals.Count(d => d.MessageId == id) >= 2),
            "the unconfirmed batch was delivered a second time");
        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal(total, await EffectsAsync("crashing"));
        Assert.Equal(0, await fixture.CountAsync("SELECT count(*) FROM (SELECT message_id FROM test.audit_effects WHERE source = 'crashing' GROUP BY message_id HAVING count(*) > 1) twice"));
        var redelivered = _deliveries.Audit.Where(d => d.Source == "crashing").GroupBy(d => d.MessageId).Where(g => g.Count() > 1).ToArray();
        Assert.NotEmpty(redelivered);
        Assert.All(redelivered, g => Assert.Single(g.Select(d => d.Sequence).Distinct()));
    }

    [Fact]
    public async Task The_audit_feed_waits_for_its_queue_instead_of_being_dropped_by_the_broker()
    {
        await AppendRequestsAsync(3);
        await using var emptyVhost = new FreshVirtualHost();
        await emptyVhost.InitializeAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(emptyVhost.Configuration);
        builder.Services.AddExecutionLayerBus(builder.Configuration);
        using var noAuditYet = builder.Build();
        await noAuditYet.StartAsync();
        using var publisher = new OutboxPublisher(fixture.Store, noAuditYet.Services.GetRequiredService<IBus>(), [],
            new OutboxOptions { Service = "unrouted", Subscription = new() { TransientRetry = TimeSpan.FromMilliseconds(50) } },
            NullLogger<OutboxPublisher>.Instance);

        await publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => publisher.TransientFailures >= 2, "the publisher retried the unroutable batch");
        await publisher.StopAsync(CancellationToken.None);
        await noAuditYet.StopAsync();

        Assert.Equal(0, await fixture.CountAsync("SELECT sequence FROM test.checkpoints WHERE name = 'outbox:unrouted'"));
        Assert.Contains("returned", publisher.LastTransientError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Message_ids_are_derived_from_the_service_and_event_so_a_republish_is_recognisable()
    {
        var eventId = Guid.NewGuid();
        Assert.Equal(DeterministicId.For("approvals", eventId, 0), DeterministicId.For("approvals", eventId, 0));
        Assert.NotEqual(DeterministicId.For("approvals", eventId, 0), DeterministicId.For("approvals", eventId, 1));
        Assert.NotEqual(DeterministicId.For("approvals", eventId, 0), DeterministicId.For("actions", eventId, 0));
    }
}
