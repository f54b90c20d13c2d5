using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class GraphViewTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private const string S = "-view";

    private async Task GivenThePlanAsync()
    {
        await app.PostEventsAsync(PlantDay.Plan(S));
        // The plan's sources are stored one append each, so the graph may hold the ERP's shipment before the MES's lots: wait for both ends.
        await Eventually.TrueAsync(async () => (await app.Client.GetAsync($"/graph/shipments/SH-900{S}")).IsSuccessStatusCode
            && (await app.Client.GetAsync($"/graph/lots/L-7001{S}?direction=up")).IsSuccessStatusCode, "the plan is in the graph");
    }

    [Fact]
    public async Task A_lots_genealogy_reads_down_to_every_descendant_and_up_to_its_origin()
    {
        await GivenThePlanAsync();
        var down = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/lots/L-5521{S}?direction=down");
        Assert.Equal([$"L-5521{S}", $"L-6001{S}", $"L-7001{S}"], down.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("lotId").GetString()));
        Assert.Equal([0, 1, 2], down.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("depth").GetInt32()));
        // Each lot says which lot it was reached from, so the tree can be drawn.
        Assert.Equal([null, $"L-5521{S}", $"L-6001{S}"], down.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("reachedFrom").GetString()));

        var up = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/lots/L-7001{S}?direction=up");
        Assert.Equal([$"L-7001{S}", $"L-6001{S}", $"L-5521{S}"], up.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("lotId").GetString()));
        Assert.Equal([null, $"L-7001{S}", $"L-6001{S}"], up.GetProperty("lots").EnumerateArray().Select(l => l.GetProperty("reachedFrom").GetString()));
    }

    [Fact]
    public async Task A_sales_order_shows_its_production_orders_lots_and_shipments()
    {
        await GivenThePlanAsync();
        var order = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/orders/SO-1001{S}");
        Assert.Equal("sales-order", order.GetProperty("kind").GetString());
        Assert.Equal([$"PR-77{S}", $"PR-78{S}"], order.GetProperty("productionOrders").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal([$"SH-900{S}"], order.GetProperty("shipments").EnumerateArray().Select(o => o.GetString()));
        var sales = order.GetProperty("salesOrder");
        Assert.Equal(("Acme Axles", 48_000m), (sales.GetProperty("customer").GetString(), sales.GetProperty("value").GetDecimal()));
        Assert.Equal(PlantDay.Friday, sales.GetProperty("promiseDate").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("productionOrder").ValueKind);
    }

    [Fact]
    public async Task A_production_order_shows_its_fields_in_camel_case_with_its_lots_and_its_sales_orders_shipments()
    {
        await GivenThePlanAsync();
        var order = await app.Client.GetFromJsonAsync<JsonElement>($"/graph/orders/PR-77{S}");
        Assert.Equal("production-order", order.GetProperty("kind").GetString());
        var production = order.GetProperty("productionOrder");
        Assert.Equal(($"SO-1001{S}", $"CNC-4{S}", "released"),
            (production.GetProperty("salesOrderId").GetString(), production.GetProperty("workCenter").GetString(), production.GetProperty("status").GetString()));
        Assert.Equal(PlantDay.Friday.AddDays(-2), production.GetProperty("due").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, production.GetProperty("blockedByHold").ValueKind);
        Assert.False(production.TryGetProperty("blocked_by_hold", out _));
        Assert.Equal([$"L-5521{S}", $"L-6001{S}"], order.GetProperty("lots").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal([$"SH-900{S}"], order.GetProperty("shipments").EnumerateArray().Select(o => o.GetString()));
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems_and_a_bad_direction_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/graph/lots/L-NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/graph/orders/SO-NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/graph/shipments/SH-NOPE")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client.GetAsync("/graph/lots/L-1?direction=sideways")).StatusCode);
    }
}
