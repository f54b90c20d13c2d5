using System.Text.Json;
using ExecutionLayer.Demo.Api;
using static ExecutionLayer.Demo.Plant.Cast;
using static ExecutionLayer.EndToEnd.Tests.Governing.GovernedPlant;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>One write route as a person (or machine) holding its scope uses it: a fresh, valid request each time, with whatever it needs made first.</summary>
/// <param name="Records">Whether it stores an event (a re-delivery only resends a webhook).</param>
/// <param name="RefusedWith">The status of a refused body: 400, or 422 at the intake, which answers a batch it took nothing of with each event's problem in <c>results</c>.</param>
public sealed record WriteRoute(string Method, string Template, Caller As, Func<Task<(string Path, object? Body)>> Next, bool Records = true, int RefusedWith = 400)
{
    public string Key => $"{Method} {Template}";
}

/// <summary>Every write route the gateway publishes, each with a valid request — the table the identity tests walk.</summary>
public sealed class WriteRoutes(GovernedPlant plant)
{
    private GatewayCalls Calls => plant.Calls;

    private static string Id() => Guid.NewGuid().ToString("N")[..8];

    public IReadOnlyList<WriteRoute> All() =>
    [
        new("POST", "/api/events", plant.Erp, () => Body("/api/events", new[]
        {
            Event($"so-{Id()}", "sap-oh", "SalesOrderConfirmed", "sales-order/SO-X", DateTimeOffset.UtcNow,
                new { orderId = $"SO-{Id()}", customer = "Acme Axles", item = "AXLE-40", quantity = 10, promiseDate = DateTimeOffset.UtcNow.AddDays(5), value = 1000, currency = "USD" }),
        }), RefusedWith: 422),
        new("POST", "/api/exceptions/{caseId}/approval-requests", plant.PlanningDesk, () => Body($"/api/exceptions/{plant.MachineCase}/approval-requests",
            new { requestId = Guid.NewGuid(), subjectType = "overtime", subjectId = $"{Site}/{Id()}", amount = 9_000m, currency = "USD", reason = "Recover the CNC-4 backlog" })),
        new("POST", "/api/approvals", plant.PlanningDesk, () => Body("/api/approvals", Overtime())),
        new("POST", "/api/approvals/{approvalId}/escalations", plant.PlanningDesk, async () =>
            ($"/api/approvals/{await RequestOvertimeAsync()}/escalations", new { reason = "Saturday is close" })),
        new("POST", "/api/approvals/{approvalId}/withdrawal", plant.PlanningDesk, async () =>
            ($"/api/approvals/{await RequestOvertimeAsync()}/withdrawal", new { reason = "CNC-4 is back" })),
        new("PUT", "/api/policies/{policyId}", plant.AdminAsPerson, () => WiredBody($"/api/policies/expedite-{Id()}",
            Demo.Plant.Policies.OneStage("Expedite", $"expedite-{Id()}", "Plant manager", "plant-manager", "PT8H", "operations-director", "P3D"))),
        new("DELETE", "/api/policies/{policyId}", plant.AdminAsPerson, async () =>
        {
            var id = $"retired-{Id()}";
            await Calls.OkAsync(plant.Admin, HttpMethod.Put, $"/api/policies/{id}",
                Demo.Plant.Policies.OneStage("Retired", $"retired-{Id()}", "Plant manager", "plant-manager", "PT8H", "operations-director", "P3D"));
            return ($"/api/policies/{id}", null);
        }),
        new("PUT", "/api/directory/{site}/roles/{role}", plant.AdminAsPerson, () => Body($"/api/directory/{Site}/roles/shift-lead-{Id()}", new { people = new[] { "sam.shift" } })),
        new("POST", "/api/delegations", plant.Manager, () => Body("/api/delegations", new
        {
            to = $"dee.deputy-{Id()}", subjectTypes = new[] { "overtime" }, validFrom = DateTimeOffset.UtcNow, validUntil = DateTimeOffset.UtcNow.AddDays(7), reason = "Leave",
        })),
        new("DELETE", "/api/delegations/{delegationId}", plant.Manager, async () =>
        {
            var granted = await Calls.OkAsync(plant.Manager, HttpMethod.Post, "/api/delegations", new
            {
                to = $"dee.deputy-{Id()}", validFrom = DateTimeOffset.UtcNow, validUntil = DateTimeOffset.UtcNow.AddDays(2),
            });
            return ($"/api/delegations/{granted.At("delegationId").GetGuid()}", null);
        }),
        new("POST", "/api/webhooks/subscriptions", plant.AdminAsPerson, () => Body("/api/webhooks/subscriptions", new { url = $"http://127.0.0.1:9/{Id()}", eventTypes = new[] { "approval.decided" } })),
        new("DELETE", "/api/webhooks/subscriptions/{subscriptionId}", plant.AdminAsPerson, async () =>
        {
            var subscribed = await Calls.OkAsync(plant.Admin, HttpMethod.Post, "/api/webhooks/subscriptions", new { url = $"http://127.0.0.1:9/{Id()}", eventTypes = new[] { "approval.decided" } });
            return ($"/api/webhooks/subscriptions/{subscribed.At("subscriptionId").GetGuid()}", null);
        }),
        new("POST", "/api/webhooks/deliveries/{deliveryId}/redeliver", plant.AdminAsPerson, async () =>
        {
            var approvalId = await RequestOvertimeAsync();
            var delivered = await UntilAsync("a delivered notice", async () =>
                (await Calls.OkAsync(plant.Admin, HttpMethod.Get, $"/api/webhooks/deliveries?approvalId={approvalId}&status=delivered")).Items()
                    .Select(d => d.At("deliveryId").GetGuid()).FirstOrDefault() is var id && id != Guid.Empty ? id : (Guid?)null);
            return ($"/api/webhooks/deliveries/{delivered}/redeliver", null);
        }, Records: false),
        new("POST", "/api/actions", plant.Manager, () => Body("/api/actions", NewAction())),
        new("PUT", "/api/actions/sites/{site}/rules", plant.AdminAsPerson, () => Body($"/api/actions/sites/{Site}/rules", new
        {
            roles = new Dictionary<string, string[]>
            {
                ["maintenance-lead"] = [MaintenanceLead], ["production-planner"] = [Planner], ["customer-service-rep"] = [CustomerService],
                ["quality-lead"] = [QualityLead], ["site-leader"] = [PlantManager],
            },
            defaultVerifierRole = "quality-lead",
            repeatWindowDays = Random.Shared.Next(30, 120),
        })),
        new("POST", "/api/changes", plant.CustomerServiceDesk, async () =>
        {
            // A fresh order each time: one change waits on an entity at a time, asked from the date it has.
            var (order, promise) = ($"SO-{Id()}", DateTimeOffset.UtcNow.AddDays(5));
            await Calls.OkAsync(plant.Erp, HttpMethod.Post, "/api/events", new[]
            {
                Event($"so-{order}", "sap-oh", "SalesOrderConfirmed", $"sales-order/{order}", DateTimeOffset.UtcNow,
                    new { orderId = order, customer = "Acme Axles", item = "AXLE-40", quantity = 10, promiseDate = promise, value = 1000, currency = "USD" }),
            });
            return ("/api/changes", new
            {
                requestId = Guid.NewGuid(), site = Site, entity = "sales-order", entityId = order, field = "promise-date",
                from = Stamp(promise), to = Stamp(promise.AddDays(3)), reason = "The customer asked for Monday",
            });
        }),
        new("PUT", "/api/governed-fields/{site}/{entity}/{field}", plant.AdminAsPerson, () => Body($"/api/governed-fields/{Site}/shipment/carrier",
            new { ownerRole = "logistics-coordinator", subjectType = $"carrier-change-{Id()}" })),
        new("DELETE", "/api/governed-fields/{site}/{entity}/{field}", plant.AdminAsPerson, async () =>
        {
            await Calls.OkAsync(plant.Admin, HttpMethod.Put, $"/api/governed-fields/{Site}/shipment/planned-date",
                new { ownerRole = "logistics-coordinator", subjectType = $"ship-date-change-{Id()}" });
            return ($"/api/governed-fields/{Site}/shipment/planned-date", null);
        }),
        // A planning system's recommendation of words (no subject to have been reported), with nothing at the site to accept it alone.
        new("POST", "/api/recommendations", plant.Admin, () => Body("/api/recommendations", new
        {
            id = $"rec-{Id()}", site = Site, source = new { system = "planning-assistant", model = "copilot-plan", modelVersion = "2026.11" },
            actions = new[] { new { kind = "freeText", text = "Re-train the second shift on the bar-stock inspection", function = "quality" } },
            expectedEffect = new { kpi = "scrap-rate", change = -0.5m, withinDays = 14 }, confidence = 0.6m,
        })),
        new("PUT", "/api/recommendation-policies/{site}/{kind}", plant.AdminAsPerson, () => Body($"/api/recommendation-policies/{Site}/add-overtime",
            new { autoAcceptUpTo = Random.Shared.Next(100, 100_000), minConfidence = 0.9m })),
        new("DELETE", "/api/recommendation-policies/{site}/{kind}", plant.AdminAsPerson, async () =>
        {
            await Calls.OkAsync(plant.Admin, HttpMethod.Put, $"/api/recommendation-policies/{Site}/reallocate-lot", new { autoAcceptUpTo = Random.Shared.Next(100, 100_000) });
            return ($"/api/recommendation-policies/{Site}/reallocate-lot", null);
        }),
        new("PUT", "/api/objectives/{objectiveId}", plant.Manager, () => Body($"/api/objectives/dayton-scrap-{Id()}", SiteObjective())),
        new("DELETE", "/api/objectives/{objectiveId}", plant.Manager, async () =>
        {
            var id = $"retired-{Id()}";
            await Calls.OkAsync(plant.Manager, HttpMethod.Put, $"/api/objectives/{id}", SiteObjective());
            return ($"/api/objectives/{id}", null);
        }),
        new("PUT", "/api/sites/{code}", plant.AdminAsPerson, () => Body($"/api/sites/XX-{Id().ToUpperInvariant()}", new { name = "A plant of the sweep", timeZone = "Europe/Berlin" })),
        new("PUT", "/api/kpis/{site}/{kpi}", plant.Quality, () => Body($"/api/kpis/{Site}/first-pass-{Id()}", new
        {
            name = "First-pass yield", unit = "%", direction = "HigherIsBetter", target = 98m, green = 96m, red = 92m, perspective = "InternalProcess",
        })),
        new("POST", "/api/kpis/{site}/{kpi}/readings", plant.Quality, () => Body($"/api/kpis/{Site}/scrap-rate/readings",
            new { value = 2.1m, measuredAt = DateTimeOffset.UtcNow, sourceEventId = Id() })),
        new("POST", "/api/reviews", plant.Manager, () => Body("/api/reviews", new { kind = "WeeklyOps", site = Site, attendees = new[] { PlantManager, MaintenanceLead } })),
        new("POST", "/api/reviews/{reviewId}/decisions", plant.Manager, async () =>
            ($"/api/reviews/{await OpenReviewAsync()}/decisions", new { text = "Pre-book carrier capacity", owner = MaintenanceLead, due = DateTimeOffset.UtcNow.AddDays(3) })),
        new("POST", "/api/reviews/{reviewId}/close", plant.Manager, async () => ($"/api/reviews/{await OpenReviewAsync()}/close", new { })),
        new("POST", "/api/actions/{actionId}/assign", plant.Manager, async () => ($"/api/actions/{await ActionAsync()}/assign", new { owner = QualityLead })),
        new("POST", "/api/actions/{actionId}/start", plant.Maintenance, async () => ($"/api/actions/{await ActionAsync()}/start", new { })),
        new("POST", "/api/actions/{actionId}/block", plant.Maintenance, async () => ($"/api/actions/{await ActionAsync("start")}/block", new { reason = "Waiting for the bearing" })),
        new("POST", "/api/actions/{actionId}/progress", plant.Maintenance, async () =>
            ($"/api/actions/{await ActionAsync("start")}/progress", new { note = "Bearing ordered", percentComplete = 40 })),
        new("POST", "/api/actions/{actionId}/due-date", plant.Maintenance, async () =>
            ($"/api/actions/{await ActionAsync()}/due-date", new { due = DateTimeOffset.UtcNow.AddDays(9), reason = "Bearing arrives late" })),
        new("POST", "/api/actions/{actionId}/claim", plant.Maintenance, async () =>
            ($"/api/actions/{await ActionAsync("start")}/claim", new { text = "Replaced", documentReference = "WO-5521" })),
        new("POST", "/api/actions/{actionId}/verify", plant.Quality, async () => ($"/api/actions/{await ActionAsync("start", "claim")}/verify", new { })),
        new("POST", "/api/actions/{actionId}/reject-claim", plant.Quality, async () =>
            ($"/api/actions/{await ActionAsync("start", "claim")}/reject-claim", new { reason = "Run it in over one shift first" })),
        new("POST", "/api/actions/{actionId}/cancel", plant.Manager, async () => ($"/api/actions/{await ActionAsync()}/cancel", new { reason = "Superseded" })),
        new("POST", "/api/actions/{actionId}/reopen", plant.Quality, async () =>
            ($"/api/actions/{await ActionAsync("start", "claim", "verify")}/reopen", new { reason = "Scrap is back" })),
    ];

    /// <summary>A Dayton objective under the company's quality objective the plant was set up with, measured by scrap.</summary>
    private static object SiteObjective() => new
    {
        name = "Dayton scrap down", level = "site", site = Site, parent = GovernedPlant.CompanyObjective, perspective = "InternalProcess", owner = PlantManager,
        period = "2026-Q4", kpis = new[] { new { site = Site, kpi = "scrap-rate", weight = 1m } },
    };

    /// <summary>An instant as governed values are kept: UTC, to the second.</summary>
    private static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static Task<(string, object?)> Body(string path, object body) => Task.FromResult<(string, object?)>((path, body));

    /// <summary>A generated client's model as the JSON it sends, so a test can add a member to it like to any other body.</summary>
    private static async Task<(string, object?)> WiredBody(string path, object model) =>
        (path, System.Text.Json.Nodes.JsonNode.Parse(await Demo.Api.GatewayClient.WireAsync(model)));

    private static object Overtime() => new
    {
        requestId = Guid.NewGuid(), subject = new { type = "overtime", id = $"{Site}/{Id()}" }, site = Site, amount = 18_000m, currency = "USD",
        reason = "Saturday shift to recover the CNC-4 backlog", decisionContext = new { caseSummary = "CNC-4 down", valueAtRisk = 48_000 },
    };

    public async Task<Guid> RequestOvertimeAsync() => (await Calls.OkAsync(plant.PlanningDesk, HttpMethod.Post, "/api/approvals", Overtime())).At("approvalId").GetGuid();

    private static object NewAction() => new
    {
        title = $"Replace the CNC-4 spindle bearing ({Id()})", owner = MaintenanceLead, due = DateTimeOffset.UtcNow.AddDays(5), site = Site, priority = "P2",
        requiredEvidence = "Document", kpis = new[] { "scrap-rate" },
    };

    /// <summary>A new action owned by the maintenance lead, moved through the given commands by whoever does each.</summary>
    private async Task<Guid> ActionAsync(params string[] commands)
    {
        var id = (await Calls.OkAsync(plant.Manager, HttpMethod.Post, "/api/actions", NewAction())).At("actionId").GetGuid();
        foreach (var command in commands)
        {
            var (by, body) = command switch
            {
                "claim" => (plant.Maintenance, (object)new { text = "Replaced", documentReference = "WO-5521" }),
                "verify" => (plant.Quality, new { }),
                _ => (plant.Maintenance, new { }),
            };
            await Calls.OkAsync(by, HttpMethod.Post, $"/api/actions/{id}/{command}", body);
        }
        return id;
    }

    private async Task<Guid> OpenReviewAsync() =>
        (await Calls.OkAsync(plant.Manager, HttpMethod.Post, "/api/reviews", new { kind = "WeeklyOps", site = Site, attendees = new[] { PlantManager } })).At("id").GetGuid();

    /// <summary>
    /// The write routes of the gateway's own API description: whether each takes a described body, whether that body may name a
    /// person acted for, and the members it declares (a change's <c>from</c> is the value it changes from, not a person).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, (bool HasBody, bool ActsFor, IReadOnlySet<string> Members)>> PublishedAsync(GatewayCalls calls)
    {
        using var document = JsonDocument.Parse((await calls.SendAsync(null, HttpMethod.Get, "/openapi.json")).Text);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var routes = new Dictionary<string, (bool, bool, IReadOnlySet<string>)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch" or "delete"))
            {
                var members = operation.Value.TryGetProperty("requestBody", out var body)
                    ? References(body).SelectMany(name => schemas.TryGetProperty(name, out var schema) && schema.TryGetProperty("properties", out var properties)
                        ? properties.EnumerateObject().Select(p => p.Name) : []).ToHashSet(StringComparer.Ordinal)
                    : [];
                routes[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = (operation.Value.TryGetProperty("requestBody", out _), members.Contains("onBehalfOf"), members);
            }
        return routes;
    }

    /// <summary>The component schemas a part of the description refers to, however nested (an optional body is an anyOf with null).</summary>
    public static IEnumerable<string> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!.Split('/')[^1]] : References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };
}
