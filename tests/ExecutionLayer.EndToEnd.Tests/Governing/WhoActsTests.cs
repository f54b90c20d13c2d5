using System.Text.Json;
using System.Text.Json.Nodes;
using ExecutionLayer.Demo.Api;
using Xunit.Abstractions;
using static ExecutionLayer.Demo.Plant.Cast;
using static ExecutionLayer.EndToEnd.Tests.Governing.GovernedPlant;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>
/// Who acts is who signed in, through the gateway and the real processes: a body naming someone else is
/// refused or ignored, the ledger records the signed caller, a client holding act-on-behalf is recorded
/// beside the person it acts for, and segregation of duties holds on that identity.
/// </summary>
[Collection(GovernedPlantCollection.Name)]
public sealed class WhoActsTests(GovernedPlant plant, ITestOutputHelper output)
{
    private const string SomeoneElse = "mallory.other";

    /// <summary>Acted on by the signed token alone; they are judged by the decision-link tests.</summary>
    private static readonly string[] TokenProven = ["POST /api/decisions", "POST /api/decisions/callback"];

    [Fact]
    public async Task At_every_write_route_a_body_naming_someone_else_is_refused_and_the_ledger_records_the_signed_caller()
    {
        var published = await WriteRoutes.PublishedAsync(plant.Calls);
        var routes = new WriteRoutes(plant).All();
        Assert.Equal(published.Keys.Except(TokenProven).Order(), routes.Select(r => r.Key).Order());

        var failures = new List<string>();
        foreach (var route in routes)
        {
            var method = new HttpMethod(route.Method);
            var (hasBody, actsFor, members) = published[route.Key];
            var (path, body) = await route.Next();
            string[] attempts = hasBody ? ["onBehalfOf", "requester", "by", "from", "decidedBy"] : ["onBehalfOf"];
            foreach (var member in attempts)
            {
                // From the body as it is now: an accepted attempt takes a fresh one, so the next is not a duplicate of it.
                var json = Naming(body, member, SomeoneElse);
                var correlation = $"named-{Guid.NewGuid():N}";
                var named = await plant.Calls.SendAsync(route.As, method, path, json, correlation);
                if (named.IsSuccess)
                {
                    // Accepted while ignoring the name (the intake's extension attributes, a route with no body): the ledger must show only the signed caller.
                    if (member == "onBehalfOf" && actsFor) failures.Add($"{route.Key} naming {SomeoneElse} as {member}: accepted without act-on-behalf");
                    if (route.Records)
                        await UntilAsync($"the ledger entries of {route.Key} (naming {SomeoneElse} as {member})", async () => (await ActorsAsync(correlation)).Count > 0 ? true : (bool?)null);
                    if ((await ActorsAsync(correlation)).Any(a => a != (route.As.Name, null))) failures.Add($"{route.Key}: naming {SomeoneElse} as {member} changed who is recorded");
                    (path, body) = await route.Next();
                    continue;
                }
                var expected = member == "onBehalfOf" && actsFor ? (403, "act-on-behalf") : (route.RefusedWith, "unknown-field");
                // A member the body declares is the route's own data (a change's from-value): a name there is refused as that data, naming it.
                var refusedAsData = member != "onBehalfOf" && members.Contains(member) && named.Status == route.RefusedWith
                    && named.Json.TryGetProperty("errors", out var errors) && errors.TryGetProperty(member, out _);
                if ((named.Status, named.Rule) != expected && !refusedAsData) failures.Add($"{route.Key} naming {SomeoneElse} as {member}: expected {expected}, got {named}");
                await plant.SettledAsync();
                if (await plant.StoredByAsync(correlation) is > 0 and var left) failures.Add($"{route.Key}: a request naming {SomeoneElse} as {member} was refused but left {left} event(s) or ledger entries");
            }

            var signed = $"who-{Guid.NewGuid():N}";
            var done = await plant.Calls.SendAsync(route.As, method, path, body is null ? null : JsonSerializer.Serialize(body, GatewayClient.Json), signed);
            if (!done.IsSuccess)
            {
                failures.Add($"{route.Key} as {route.As.Name}: {done}");
                continue;
            }
            if (!route.Records) continue;
            var recorded = await UntilAsync($"the ledger entries of {route.Key}", async () =>
                await plant.LedgerEntriesOfAsync(route.As.Name, signed) is { Count: > 0 } found ? found.Count : (int?)null);
            var actors = await ActorsAsync(signed);
            if (actors.Any(a => a != (route.As.Name, null))) failures.Add($"{route.Key}: the ledger records {string.Join(", ", actors)}, not only {route.As.Name}");
            output.WriteLine($"{route.Key}: {attempts.Length} attempt(s) naming {SomeoneElse} refused or ignored; {recorded} ledger entr(y/ies) by {route.As.Name}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_client_holding_act_on_behalf_is_recorded_beside_the_person_it_acts_for_and_neither_may_approve()
    {
        var correlation = $"erp-{Guid.NewGuid():N}";
        var asked = await plant.Calls.SendAsync(plant.Erp, HttpMethod.Post, "/api/approvals", new
        {
            requestId = Guid.NewGuid(), subject = new { type = "overtime", id = $"{Site}/buyer" }, site = Site, amount = 4_000m, currency = "USD",
            reason = "Weekend receiving for the late bar stock", decisionContext = new { purchaseOrder = "PO-88" }, onBehalfOf = Buyer,
        }, correlation);
        Assert.True(asked.Status == 201, asked.ToString());
        var approvalId = asked.Json.At("approvalId").GetGuid();

        var entries = await UntilAsync("the request in the ledger", async () =>
            await plant.LedgerEntriesOfAsync(Buyer, correlation) is { Count: > 0 } found ? found.Count : (int?)null);
        Assert.All(await ActorsAsync(correlation), a => Assert.Equal((plant.Erp.Name, Buyer), a));
        var request = await plant.Calls.OkAsync(plant.Manager, HttpMethod.Get, $"/api/approvals/{approvalId}");
        Assert.Equal(Buyer, request.Text("state.requester"));
        output.WriteLine($"{entries} ledger entries with actor {plant.Erp.Name} on behalf of {Buyer}");

        // The person asked for may not approve through the notice they could never get, nor could the client: both are the requester.
        var onBehalfOfTheApprover = await plant.Calls.SendAsync(plant.Erp, HttpMethod.Post, "/api/approvals", new
        {
            requestId = Guid.NewGuid(), subject = new { type = "overtime", id = $"{Site}/self" }, site = Site, amount = 4_000m, currency = "USD",
            reason = "Asked as the plant manager", decisionContext = new { }, onBehalfOf = PlantManager,
        });
        Assert.Equal((422, "no-approvers"), (onBehalfOfTheApprover.Status, onBehalfOfTheApprover.Rule));
    }

    [Fact]
    public async Task A_plant_manager_cannot_ask_in_a_planners_name_and_then_approve_her_own_request()
    {
        var request = new JsonObject
        {
            ["requestId"] = Guid.NewGuid(), ["subject"] = new JsonObject { ["type"] = "overtime", ["id"] = $"{Site}/sod" }, ["site"] = Site, ["amount"] = 18_000m,
            ["currency"] = "USD", ["reason"] = "Saturday shift", ["decisionContext"] = new JsonObject(),
        };
        var asPlanner = request.DeepClone();
        asPlanner["requester"] = Planner;
        Assert.Equal((400, "unknown-field"), Refusal(await plant.Calls.SendAsync(plant.Manager, HttpMethod.Post, "/api/approvals", asPlanner.ToJsonString())));
        var forPlanner = request.DeepClone();
        forPlanner["onBehalfOf"] = Planner;
        Assert.Equal((403, "act-on-behalf"), Refusal(await plant.Calls.SendAsync(plant.Manager, HttpMethod.Post, "/api/approvals", forPlanner.ToJsonString())));

        // Asked as herself, she is the requester — and the only plant manager, so nobody else can take it.
        var own = await plant.Calls.SendAsync(plant.Manager, HttpMethod.Post, "/api/approvals", request.ToJsonString());
        Assert.Equal((422, "no-approvers"), Refusal(own));
    }

    [Fact]
    public async Task Escalating_or_withdrawing_in_someone_elses_name_is_refused_and_as_oneself_only_the_involved_may()
    {
        var approvalId = await new WriteRoutes(plant).RequestOvertimeAsync();
        var path = $"/api/approvals/{approvalId}";
        var refused = $"refused-{Guid.NewGuid():N}";
        var tried = 0;
        Task<Answer> Try(string route, object body) => plant.Calls.SendAsync(plant.CustomerServiceDesk, HttpMethod.Post, $"{path}/{route}", body, $"{refused}-{++tried}");

        Assert.Equal((400, "unknown-field"), Refusal(await Try("escalations", new { by = Buyer })));
        Assert.Equal((403, "act-on-behalf"), Refusal(await Try("escalations", new { onBehalfOf = Buyer })));
        Assert.Equal((403, "act-on-behalf"), Refusal(await Try("withdrawal", new { reason = "x", onBehalfOf = Planner })));
        Assert.Equal((422, "not-involved"), Refusal(await Try("escalations", new { })));
        Assert.Equal((422, "only-requester-withdraws"), Refusal(await Try("withdrawal", new { reason = "not needed" })));

        await plant.SettledAsync();
        Assert.Equal(0, await plant.StoredByAsync(refused));
    }

    [Fact]
    public async Task A_decision_through_a_link_is_recorded_as_the_approver_the_token_names()
    {
        var approvalId = await new WriteRoutes(plant).RequestOvertimeAsync();
        var notice = await plant.Bridge.WaitForAsync("approval.requested", n => n.ApprovalId == approvalId, TimeSpan.FromSeconds(60), CancellationToken.None);
        var correlation = $"link-{Guid.NewGuid():N}";
        var decided = await plant.Calls.SendAsync(null, HttpMethod.Post, "/api/decisions", new { token = notice.Token("approve"), comment = "ok" }, correlation);
        Assert.True(decided.IsSuccess, decided.ToString());

        await UntilAsync("the decision in the ledger", async () => await plant.LedgerEntriesOfAsync(PlantManager, correlation) is { Count: > 0 } f ? f.Count : (int?)null);
        Assert.All(await ActorsAsync(correlation), a => Assert.Equal((PlantManager, null), a));
    }

    private static (int, string?) Refusal(Answer answer) => answer.IsProblem ? (answer.Status, answer.Rule) : (answer.Status, $"not a problem: {answer}");

    /// <summary>The body with one more member naming a person (an empty body becomes just that member).</summary>
    private static string Naming(object? body, string member, string person)
    {
        var node = body is null ? new JsonObject() : JsonSerializer.SerializeToNode(body, GatewayClient.Json)!;
        if (node is JsonObject single) single[member] = person;
        else if (node is JsonArray batch) foreach (var item in batch.OfType<JsonObject>()) item[member] = person;
        return node.ToJsonString();
    }

    /// <summary>Every (actor, on behalf of) the ledger holds for the entries one request caused directly.</summary>
    private async Task<List<(string? Actor, string? OnBehalfOf)>> ActorsAsync(string correlation)
    {
        await using var connection = new Npgsql.NpgsqlConnection(plant.System.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT actor, on_behalf_of FROM audit.ledger WHERE causation_id = $1 OR correlation_id = $1", connection)
        {
            Parameters = { new() { Value = correlation } },
        };
        var found = new List<(string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) found.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return found;
    }
}
