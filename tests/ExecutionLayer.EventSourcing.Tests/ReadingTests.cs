using System.Text.Json.Nodes;
using ExecutionLayer.EventSourcing.Types;

namespace ExecutionLayer.EventSourcing.Tests;

public sealed record SupplierDelayRecorded(string PurchaseOrder, int DaysLate, string Reason);

public sealed class ReadingTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    /// <summary>Writes an event row directly, as an older release (or another type registry) once did.</summary>
    private async Task StoreAsWrittenYearsAgoAsync(string stream, string streamType, string eventType, int schemaVersion, string json)
    {
        await using var batch = fixture.DataSource.CreateBatch();
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO test.streams (stream_id, stream_type, version) VALUES ($1, $2, 1)")
        {
            Parameters = { new() { Value = stream }, new() { Value = streamType } },
        });
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO test.events (stream_id, stream_type, version, event_id, event_type, schema_version, data, occurred_at)
            VALUES ($1, $2, 1, gen_random_uuid(), $3, $4, $5::jsonb, now())
            """)
        {
            Parameters = { new() { Value = stream }, new() { Value = streamType }, new() { Value = eventType }, new() { Value = schemaVersion }, new() { Value = json } },
        });
        await batch.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_aggregate_can_be_loaded_as_of_a_version()
    {
        var stream = $"overtime-{Guid.NewGuid():N}";
        var id = Guid.NewGuid();
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(
            new OvertimeRequested(id, "OH-DAYTON", 18_000m, "planner", StoreFixture.Monday),
            new OvertimeNoted(id, "escalated"),
            new OvertimeApproved(id, "director", StoreFixture.Monday.AddHours(7))));

        var asOf2 = await fixture.Store.LoadAsOfAsync<Overtime>(stream, version: 2);
        Assert.Equal(2, asOf2.Version);
        Assert.Equal(OvertimeStatus.Pending, asOf2.State.Status);
        Assert.Equal(OvertimeStatus.Approved, (await fixture.Store.LoadAsync<Overtime>(stream)).State.Status);
    }

    [Fact]
    public async Task An_aggregate_can_be_loaded_as_it_was_recorded_at_a_time()
    {
        var stream = $"overtime-{Guid.NewGuid():N}";
        var id = Guid.NewGuid();
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(new OvertimeRequested(id, "OH-DAYTON", 18_000m, "planner", StoreFixture.Monday)));
        var between = (await fixture.Store.ReadStreamAsync(stream))[0].RecordedAt;
        await Task.Delay(20); // recorded-at is the server's clock: the next append must be visibly later
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.Exactly(1), NewEvents.Of(new OvertimeApproved(id, "director", StoreFixture.Monday.AddHours(7))));

        var then = await fixture.Store.LoadAsOfAsync<Overtime>(stream, recordedAt: between);
        Assert.Equal(1, then.Version);
        Assert.Equal(OvertimeStatus.Pending, then.State.Status);
    }

    [Fact]
    public async Task A_version_1_payload_is_upcast_on_read_to_the_current_schema()
    {
        var stream = $"supplier-{Guid.NewGuid():N}";
        // Version 1 stored hours late; version 2 stores days.
        await StoreAsWrittenYearsAgoAsync(stream, "supplier", "supplier.delay-recorded", schemaVersion: 1, """{"purchaseOrder":"PO-88","hoursLate":72}""");

        var v2 = Overtime.Register(new EventTypeRegistry())
            .Register<SupplierDelayRecorded>("supplier.delay-recorded", schemaVersion: 2)
            .Upcast("supplier.delay-recorded", fromVersion: 1, old => new JsonObject
            {
                ["purchaseOrder"] = old["purchaseOrder"]!.GetValue<string>(),
                ["daysLate"] = old["hoursLate"]!.GetValue<int>() / 24,
                ["reason"] = "unknown (recorded before reasons were kept)",
            });
        var store = new EventStore(fixture.DataSource, fixture.Store.Schema, v2, fixture.Clock);

        var e = Assert.Single(await store.ReadStreamAsync(stream));
        Assert.Equal(new SupplierDelayRecorded("PO-88", 3, "unknown (recorded before reasons were kept)"), e.Data);
        Assert.Equal(1, e.SchemaVersion);
    }

    [Fact]
    public async Task An_event_type_with_no_registration_fails_loudly_on_read()
    {
        var stream = $"mystery-{Guid.NewGuid():N}";
        await StoreAsWrittenYearsAgoAsync(stream, "mystery", "mystery.happened", schemaVersion: 1, "{}");
        await Assert.ThrowsAsync<UnknownEventTypeException>(() => fixture.Store.ReadStreamAsync(stream));
    }

    [Fact]
    public async Task A_snapshot_is_used_and_later_events_are_folded_on_top()
    {
        var stream = $"overtime-{Guid.NewGuid():N}";
        var id = Guid.NewGuid();
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.NoStream, NewEvents.Of(
            [new OvertimeRequested(id, "OH-DAYTON", 18_000m, "planner", StoreFixture.Monday), .. Enumerable.Range(0, 50).Select(i => new OvertimeNoted(id, $"note {i}"))]));
        await fixture.Store.SaveSnapshotAsync(stream, await fixture.Store.LoadAsync<Overtime>(stream));
        await fixture.Store.AppendAsync(stream, "overtime", ExpectedVersion.Exactly(51), NewEvents.Of(new OvertimeNoted(id, "after the snapshot")));

        // Tamper with the snapshot only: if the load used it, the note count shows the marker.
        await fixture.ExecuteAsync($"UPDATE test.snapshots SET state = jsonb_set(state, '{{notes}}', '1000') WHERE stream_id = '{stream}'");
        var loaded = await fixture.Store.LoadAsync<Overtime>(stream);
        Assert.Equal(52, loaded.Version);
        Assert.Equal(1001, loaded.State.Notes);
        Assert.Equal(51, (await fixture.Store.LoadAsOfAsync<Overtime>(stream, version: 52)).State.Notes);
    }
}
