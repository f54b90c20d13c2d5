using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.PlantData;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// A generated three-site plant (fixed seed) posted through the intake: the service's impact analysis
/// must find exactly what an independent in-memory walk of the same network finds.
/// </summary>
public sealed class GeneratedPlantTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private static readonly PlantModel Plant = PlantGenerator.Generate(PlantScale.Test);

    public async Task InitializeAsync()
    {
        foreach (var batch in PlantEvents.Of(Plant).Chunk(1_000)) await app.PostEventsAsync(batch);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void The_same_seed_generates_the_same_plant_and_three_sites_of_realistic_shape()
    {
        var again = PlantGenerator.Generate(PlantScale.Test);
        Assert.Equal(Plant.Lots.Select(l => l.Id), again.Lots.Select(l => l.Id));
        Assert.Equal(Plant.ProductionOrders.Select(o => (o.WorkCenter, o.Completed)), again.ProductionOrders.Select(o => (o.WorkCenter, o.Completed)));
        Assert.Equal(PlantScale.ThreeSites, Plant.SalesOrders.Select(o => o.Site).Distinct());
        Assert.Equal(PlantScale.Test.ProductionOrders, Plant.ProductionOrders.Count);
        Assert.Contains(Plant.ProductionOrders, o => o.ConsumesLots.Count == 2); // raw lots are shared between orders
    }

    [Theory]
    [InlineData("OH-DAYTON")]
    [InlineData("TN-SMYRNA")]
    [InlineData("MI-FLINT")]
    public async Task A_work_center_going_down_finds_exactly_its_open_orders_their_lots_shipments_and_customers(string site)
    {
        var workCenter = Plant.WorkCenters(site).MaxBy(wc => Plant.ImpactOfWorkCenter(site, wc).Orders.Length)!;
        var expected = Plant.ImpactOfWorkCenter(site, workCenter);
        Assert.NotEmpty(expected.Orders);

        await app.PostEventsAsync(PlantEvents.Event($"down-{workCenter}", "mes", "MachineStateChanged", site, $"work-center/{workCenter}",
            PlantGenerator.Epoch.AddHours(9), new { workCenter, state = "down", reasonCode = "SP-101" }));
        var impact = (await app.WaitForCaseAsync("MachineDown", $"/{workCenter}", "responding", site)).GetProperty("state").GetProperty("impact");

        Assert.Equal(expected.Orders, Strings(impact.GetProperty("productionOrders")));
        Assert.Equal(expected.Lots, Strings(impact.GetProperty("lots")));
        Assert.Equal(expected.Shipments, Strings(impact.GetProperty("shipments")));
        Assert.Equal(expected.SalesOrders, impact.GetProperty("commitments").EnumerateArray().Select(c => c.GetProperty("salesOrderId").GetString()!));
    }

    [Fact]
    public async Task A_hold_on_a_shared_raw_lot_blocks_exactly_the_open_orders_and_shipments_downstream_of_it()
    {
        var raw = Plant.RawLots("TN-SMYRNA").MaxBy(l => Plant.HoldOn(l.Id).Orders.Length)!;
        var expected = Plant.HoldOn(raw.Id);
        Assert.True(expected.Orders.Length > 2, "the lot feeds several orders");

        await app.PostEventsAsync(PlantEvents.Event($"hold-{raw.Id}", "qms", "QualityHoldRaised", "TN-SMYRNA", $"lot/{raw.Id}",
            PlantGenerator.Epoch.AddHours(10), new { holdId = $"QH-{raw.Id}", lotId = raw.Id, reason = "mill certificate mismatch" }));
        var found = await app.WaitForCaseAsync("QualityHold", $"/{raw.Id}", "responding", "TN-SMYRNA");
        var propagated = found.GetProperty("timeline").EnumerateArray().First(e => e.GetProperty("type").GetString() == "exceptions.hold-propagated").GetProperty("event");

        Assert.Equal(expected.Lots, Strings(propagated.GetProperty("lots")));
        Assert.Equal(expected.Orders, Strings(propagated.GetProperty("blockedProductionOrders")));
        Assert.Equal(expected.Shipments, Strings(propagated.GetProperty("blockedShipments")));
        var view = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/lots/{raw.Id}?direction=down");
        var genealogy = view.GetProperty("lots").EnumerateArray().ToArray();
        Assert.Equal(expected.Lots, genealogy.Select(l => l.GetProperty("lotId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(genealogy, l => Assert.Equal($"QH-{raw.Id}", l.GetProperty("holdId").GetString()));
    }
}
