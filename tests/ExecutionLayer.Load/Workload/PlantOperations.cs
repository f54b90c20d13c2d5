using System.Text.Json;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Load.Driving;
using static ExecutionLayer.Load.Workload.PlantSites;

namespace ExecutionLayer.Load.Workload;

/// <summary>
/// One operation of the day, chosen by its number from a fixed mix: mostly intake batches from the
/// ERP/MES, now and then a breakdown or a quality hold (each opening a case that routes actions),
/// overtime approvals decided through the bridge's signed links, action lifecycles from creation to
/// verified closure, and the people's list reads. Whatever the system acknowledges is written down.
/// </summary>
public sealed class PlantOperations(PlantFloor floor, PlantEvents events, Patiently patiently, Acknowledged acknowledged, int seed)
{
    private static readonly (string Kind, int Weight)[] Mix =
        [("intake", 45), ("breakdown", 4), ("hold", 3), ("approval", 15), ("action", 18), ("read", 15)];

    public static string KindOf(int n, int seed)
    {
        var roll = new Random(HashCode.Combine(seed, n, 1)).Next(100);
        foreach (var (kind, weight) in Mix)
        {
            if (roll < weight) return kind;
            roll -= weight;
        }
        return "read";
    }

    public Task RunAsync(int n, CancellationToken ct)
    {
        var random = new Random(HashCode.Combine(seed, n, 2));
        var site = All[random.Next(All.Length)];
        var now = DateTimeOffset.UtcNow;
        return KindOf(n, seed) switch
        {
            "intake" => PostAsync("intake", events.OrderSlice(n, site, random, now), ct),
            "breakdown" => BreakdownAsync(n, site, random, now, ct),
            "hold" => PostAsync("intake", events.Hold(n, site, random, now), ct),
            "approval" => OvertimeAsync(n, site, random, ct),
            "action" => ActionLifecycleAsync(n, site, random, ct),
            _ => ReadAsync(site, random, ct),
        };
    }

    /// <summary>A breakdown at a site chosen by the number, beside the mix.</summary>
    public Task BreakdownAsync(int n, CancellationToken ct)
    {
        var random = new Random(HashCode.Combine(seed, n, 2));
        return BreakdownAsync(n, All[random.Next(All.Length)], random, DateTimeOffset.UtcNow, ct);
    }

    private async Task BreakdownAsync(int n, string site, Random random, DateTimeOffset now, CancellationToken ct)
    {
        if (await PostAsync("intake", events.Breakdown(n, site, random, now, out var workCenter), ct)) acknowledged.Breakdowns.Add(workCenter);
    }

    /// <summary>Posts a batch; every event the intake answers accepted (or already held) is acknowledged.</summary>
    private async Task<bool> PostAsync(string operation, PlantEvents.IntakeEvent[] batch, CancellationToken ct)
    {
        var answer = await patiently.RunAsync(operation, () => floor.Erp.PostAsync("/api/events", batch, ct), ct);
        if (answer is not { } results) return false;
        foreach (var result in results.Items("results"))
            if (result.Text("status") is "accepted" or "duplicate") acknowledged.IntakeEvents.Add((result.Text("source"), result.Text("id")));
        return results.At("rejected").GetInt32() == 0;
    }

    /// <summary>Planning asks for overtime; the plant manager's notice reaches the bridge; the link is clicked.</summary>
    private async Task OvertimeAsync(int n, string site, Random random, CancellationToken ct)
    {
        var requestId = RequestId($"{n}");
        var asked = await patiently.RunAsync("approval.request", () => floor.Person(Planner(site)).PostAsync("/api/approvals", new
        {
            requestId, subject = new { type = "overtime", id = $"{site}/{n}" }, site, amount = random.Next(2, 40) * 1000m, currency = "USD",
            reason = "Saturday shift to recover a backlog",
            decisionContext = new { backlogHours = random.Next(4, 60), ordersAtRisk = random.Next(1, 6) },
        }, ct), ct);
        if (asked is not { } request) return;
        var approvalId = request.At("approvalId").GetGuid();
        acknowledged.ApprovalsRequested.Add(approvalId);

        var notice = await floor.Bridge.WaitForAsync("approval.requested", x => x.ApprovalId == approvalId, TimeSpan.FromSeconds(120), ct);
        var verdict = random.Next(4) == 0 ? "reject" : "approve";
        var decided = await patiently.RunAsync("approval.decide",
            () => floor.Bridge.ClickAsync(floor.DecisionLinks, notice, verdict, "decided from the bridge", ct), ct, repeatConflict: () => default(JsonElement));
        if (decided is not null) acknowledged.Decisions[approvalId] = verdict;
    }

    /// <summary>An action from a meeting, through start, claim with evidence and the quality lead's verification.</summary>
    private async Task ActionLifecycleAsync(int n, string site, Random random, CancellationToken ct)
    {
        var owner = floor.Person(MaintenanceLead(site));
        var requestId = RequestId($"{n}-action");
        var created = await patiently.RunAsync("action.create", () => owner.PostAsync("/api/actions", new
        {
            requestId, title = $"Fix recurring fault {n}", owner = MaintenanceLead(site), due = DateTimeOffset.UtcNow.AddDays(random.Next(1, 14)), site,
            department = "maintenance", sourceKind = "meeting", sourceReference = $"weekly-{n % 7}", kpis = new[] { "scrap-rate" },
        }, ct), ct);
        if (created is not { } action) return;
        var id = action.At("actionId").GetGuid();
        acknowledged.ActionsCreated.Add(id);
        JsonElement Done() => default;
        if (await patiently.RunAsync("action.start", () => owner.PostAsync($"/api/actions/{id}/start", new { }, ct), ct, Done) is null) return;
        if (await patiently.RunAsync("action.claim", () => owner.PostAsync($"/api/actions/{id}/claim", new { text = "Done, see work order", documentReference = $"WO-{n}" }, ct), ct, Done) is null) return;
        if (await patiently.RunAsync("action.verify", () => floor.Person(QualityLead(site)).PostAsync($"/api/actions/{id}/verify", new { }, ct), ct, Done) is null) return;
        acknowledged.ActionsVerified.Add(id);
    }

    /// <summary>The idempotency key of one of this run's requests: a retry sends the same one.</summary>
    private Guid RequestId(string what) => new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{events.Run}-{what}")));

    private async Task ReadAsync(string site, Random random, CancellationToken ct)
    {
        var desk = floor.Person(Planner(site));
        if (random.Next(2) == 0) await patiently.RunAsync("read.cases", () => desk.GetAsync($"/api/exceptions?site={site}&limit=50", ct), ct);
        else await patiently.RunAsync("read.actions", () => desk.GetAsync($"/api/actions?site={site}&limit=50", ct), ct);
    }
}
