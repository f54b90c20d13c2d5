using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.Exceptions.ReadingGraph;

public sealed record LotGenealogy(string LotId, string Direction, IReadOnlyList<LotNode> Lots);

/// <summary>An order with what hangs off it: exactly one of <see cref="ProductionOrder"/> and <see cref="SalesOrder"/> is set, as <see cref="Kind"/> says.</summary>
public sealed record OrderView(
    string OrderId, string Kind, ProductionOrderDetails? ProductionOrder, SalesOrderDetails? SalesOrder,
    IReadOnlyList<string> ProductionOrders, IReadOnlyList<string> Lots, IReadOnlyList<string> Shipments);

public sealed record ShipmentView(
    string ShipmentId, string Status, string? BlockedByHold, DateTimeOffset PlannedDate, IReadOnlyList<string> SalesOrders, IReadOnlyList<string> Lots);

/// <summary>What every graph view needs: who asks, and the graph.</summary>
public sealed record GraphViewServices(Caller Caller, GraphViews Graph);

/// <summary>
/// Views of the live operational graph: an order with what hangs off it, a lot's genealogy up or down,
/// a shipment's contents. A record of a site the caller may not see is "not found"; a genealogy
/// leaves out the other sites' lots.
/// </summary>
public static class GraphViewsApi
{
    public static IEndpointRouteBuilder MapGraphViewsApi(this IEndpointRouteBuilder app)
    {
        var graph = app.MapGroup("/graph").WithTags("Operational graph");
        graph.MapGet("/lots/{lotId}", GetLotGenealogyAsync).QueryValues("direction", "down", "up").Describe("GetLotGenealogy", "A lot's genealogy: every lot made from it, or every lot it was made from").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        graph.MapGet("/orders/{orderId}", GetOrderAsync).Describe("GetOrder", "A production or sales order with its orders, lots and shipments").ProducesProblem(StatusCodes.Status404NotFound);
        graph.MapGet("/shipments/{shipmentId}", GetShipmentAsync).Describe("GetShipment", "A shipment with its sales orders and lots").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="direction"><c>down</c> (the default: every lot made from it) or <c>up</c> (every lot it was made from).</param>
    public static async Task<Results<Ok<LotGenealogy>, ProblemHttpResult>> GetLotGenealogyAsync(
        string lotId, string? direction, [AsParameters] GraphViewServices services, CancellationToken ct)
    {
        var up = string.Equals(direction, "up", StringComparison.OrdinalIgnoreCase);
        if (direction is not null && !up && !string.Equals(direction, "down", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad direction", detail: "direction is 'up' (ancestors) or 'down' (descendants).");
        var lots = await services.Graph.GenealogyAsync(lotId, up, ct);
        if (lots is not [{ Depth: 0, Site: { } site }, ..] || !services.Caller.Sees(site)) return NotFound("lot", lotId);
        return TypedResults.Ok(new LotGenealogy(lotId, up ? "up" : "down", [.. lots.Where(l => l.Site is not null && services.Caller.Sees(l.Site))]));
    }

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetOrderAsync(string orderId, [AsParameters] GraphViewServices services, CancellationToken ct)
    {
        var graph = services.Graph;
        if (await graph.ProductionOrderAsync(orderId, ct) is { } production)
            return !services.Caller.Sees(production.Site) ? NotFound("order", orderId)
                : TypedResults.Ok(new OrderView(orderId, "production-order", production, null, [],
                    await graph.LotsOfProductionOrderAsync(orderId, ct), await graph.ShipmentsOfProductionOrderAsync(orderId, ct)));
        if (await graph.SalesOrderAsync(orderId, ct) is not { } sales || !services.Caller.Sees(sales.Site)) return NotFound("order", orderId);
        return TypedResults.Ok(new OrderView(orderId, "sales-order", null, sales, await graph.ProductionOrdersOfSalesOrderAsync(orderId, ct),
            await graph.LotsOfSalesOrderAsync(orderId, ct), await graph.ShipmentsOfSalesOrderAsync(orderId, ct)));
    }

    public static async Task<Results<Ok<ShipmentView>, ProblemHttpResult>> GetShipmentAsync(string shipmentId, [AsParameters] GraphViewServices services, CancellationToken ct)
    {
        if (await services.Graph.ShipmentAsync(shipmentId, ct) is not { } shipment || !services.Caller.Sees(shipment.Site)) return NotFound("shipment", shipmentId);
        return TypedResults.Ok(new ShipmentView(shipmentId, shipment.Status, shipment.BlockedByHold, shipment.PlannedDate,
            await services.Graph.SalesOrdersOfShipmentAsync(shipmentId, ct), await services.Graph.LotsOfShipmentAsync(shipmentId, ct)));
    }

    private static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} '{id}' in the operational graph.");
}
