using System.Text.Json;
using ExecutionLayer.Store.Types;
using Marten;

namespace ExecutionLayer.Store.Tests;

/// <summary>The first shape of a quality hold: one lot.</summary>
public sealed record HoldPlacedV1(string Lot);

/// <summary>Its current shape: a hold names every lot it covers, and why.</summary>
public sealed record HoldPlaced(string[] Lots, string Reason);

public sealed record Unnamed(string Text);

/// <summary>Stored names are chosen, not CLR names, and survive a change of shape: years-old history still reads.</summary>
public sealed class EventTypeTests : IAsyncLifetime
{
    private const string HoldName = "quality.hold-placed";
    private readonly TestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    private async Task<IReadOnlyList<string>> StoredTypesAsync(string stream)
    {
        await using var command = _store.Database.DataSource.CreateCommand($"SELECT type FROM {TestStore.Schema}.mt_events WHERE stream_id = $1 ORDER BY version");
        command.Parameters.AddWithValue(stream);
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }

    private DocumentStore StoreWith(EventTypes types) => DocumentStore.For(options =>
    {
        options.Connection(_store.Database.ConnectionString);
        StoreConfiguration.Apply(options, TestStore.Schema, types);
    });

    [Fact]
    public async Task An_event_is_stored_under_its_registered_name_not_its_CLR_name()
    {
        var stream = TestStore.NewStream();
        await _store.StartStreamAsync(stream, "CNC-4 down");

        Assert.Equal([TestEvents.NotedName], await StoredTypesAsync(stream));
    }

    [Fact]
    public async Task An_event_of_a_type_nobody_registered_is_refused_and_nothing_of_its_session_is_stored()
    {
        var stream = TestStore.NewStream();
        await using var session = _store.Store.LightweightSession();
        session.Events.StartStream(stream, new Noted("CNC-4 down"), new Unnamed("a payload under a CLR name"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        Assert.Contains(nameof(Unnamed), refused.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredTypesAsync(stream));
    }

    [Fact]
    public async Task A_stream_of_a_kind_nobody_registered_is_refused_so_the_audit_feed_never_meets_a_stream_type_it_cannot_name()
    {
        await using var session = _store.Store.LightweightSession();
        session.Events.StartStream("pallet-7731", new Noted("pallet staged"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        Assert.Contains("pallet-7731", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredTypesAsync("pallet-7731"));
        Assert.Equal("note", TestEvents.Registered().StreamTypeOf(TestStore.NewStream()));
        Assert.Throws<InvalidOperationException>(() => new EventTypes().Stream("note", "note-").Stream("note-archive", "note-archive-"));
    }

    public enum Shift { Early, NightShift }

    public sealed record ShiftPlanned(string WorkCenter, Shift Shift, DateTimeOffset StartsAt, decimal Hours);

    [Fact]
    public async Task An_event_is_stored_in_the_JSON_the_ledger_has_always_had_camelCase_enums_and_UTC_instants()
    {
        using var store = StoreWith(new EventTypes().Register<ShiftPlanned>("plant.shift-planned").Stream("note", "note-"));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var planned = new ShiftPlanned("CNC-4", Shift.NightShift, new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.FromHours(-5)), 7.5m);
        var stream = TestStore.NewStream();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(stream, planned);
            await session.SaveChangesAsync();
        }

        await using var command = _store.Database.DataSource.CreateCommand($"SELECT data::text FROM {TestStore.Schema}.mt_events WHERE stream_id = $1");
        command.Parameters.AddWithValue(stream);
        var stored = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement;
        var expected = JsonDocument.Parse(EventJson.Of(planned)).RootElement;
        Assert.Equal("nightShift", stored.GetProperty("shift").GetString());
        Assert.Equal(expected.GetProperty("startsAt").GetString(), stored.GetProperty("startsAt").GetString());
        Assert.EndsWith("Z", stored.GetProperty("startsAt").GetString(), StringComparison.Ordinal);
        await using var read = store.QuerySession();
        Assert.Equal(planned, (await read.Events.FetchStreamAsync(stream))[0].Data);
    }

    [Fact]
    public async Task History_stored_in_an_older_shape_reads_back_in_the_current_one_and_new_events_are_stored_under_their_version_s_name()
    {
        var stream = TestStore.NewStream();
        using (var before = StoreWith(new EventTypes().Register<HoldPlacedV1>(HoldName).Stream("note", "note-")))
        {
            await before.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var session = before.LightweightSession();
            session.Events.StartStream(stream, new HoldPlacedV1("LOT-2291"));
            await session.SaveChangesAsync();
        }

        var now = new EventTypes().Register<HoldPlaced>(HoldName, schemaVersion: 2)
            .Upcast<HoldPlacedV1, HoldPlaced>(HoldName, fromVersion: 1, old => new HoldPlaced([old.Lot], "not recorded before version 2"))
            .Stream("note", "note-");
        using var after = StoreWith(now);
        await using (var session = after.LightweightSession())
        {
            session.Events.Append(stream, new HoldPlaced(["LOT-2292", "LOT-2293"], "porosity on CNC-4"));
            await session.SaveChangesAsync();
        }

        await using var query = after.QuerySession();
        var read = (await query.Events.FetchStreamAsync(stream)).Select(e => e.Data).ToList();
        Assert.Equal(["LOT-2291"], Assert.IsType<HoldPlaced>(read[0]).Lots);
        Assert.Equal(["LOT-2292", "LOT-2293"], Assert.IsType<HoldPlaced>(read[1]).Lots);
        Assert.Equal([HoldName, $"{HoldName}.v2"], await StoredTypesAsync(stream));
        Assert.Equal(new EventTypeName(HoldName, 2), now.NameOf(typeof(HoldPlaced)));
    }

    [Fact]
    public void A_name_that_looks_like_a_version_alias_or_is_taken_by_another_type_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new EventTypes().Register<HoldPlaced>($"{HoldName}.v2"));
        Assert.Throws<ArgumentException>(() => new EventTypes().Register<HoldPlaced>("Quality.HoldPlaced"));
        Assert.Throws<InvalidOperationException>(() => new EventTypes().Register<HoldPlaced>(HoldName).Register<HoldPlacedV1>(HoldName));
        Assert.Throws<InvalidOperationException>(() => new EventTypes().Register<HoldPlaced>(HoldName).Upcast<HoldPlacedV1, HoldPlaced>(HoldName, 1, old => new HoldPlaced([old.Lot], "")));
    }
}
