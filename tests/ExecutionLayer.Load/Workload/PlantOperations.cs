using ExecutionLayer.Client.Models;
using Microsoft.Kiota.Abstractions.Serialization;
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
    private async Task<bool> PostAsync(string operation, List<OperationalEvent> batch, CancellationToken ct)
    {
        IntakeResponse? answer = null;
        if (!await patiently.RunAsync(operation, async () => answer = await floor.Erp.Api.Events.PostAsync(batch, cancellationToken: ct), ct)) return false;
        foreach (var result in answer!.Results ?? [])
            if (result.Status is IntakeStatus.Accepted or IntakeStatus.Duplicate) acknowledged.IntakeEvents.Add((result.Source!, result.Id!));
        return answer.Rejected == 0;
    }

    /// <summary>Planning asks for overtime; the plant manager's notice reaches the bridge; the link is clicked.</summary>
    private async Task OvertimeAsync(int n, string site, Random random, CancellationToken ct)
    {
        var ask = new RequestApprovalBody
        {
            RequestId = RequestId($"{n}"), Subject = new() { Type = "overtime", Id = $"{site}/{n}" }, Site = site, Amount = random.Next(2, 40) * 1000, Currency = "USD",
            Reason = "Saturday shift to recover a backlog",
            DecisionContext = new UntypedObject(new Dictionary<string, UntypedNode>
            {
                ["backlogHours"] = new UntypedInteger(random.Next(4, 60)), ["ordersAtRisk"] = new UntypedInteger(random.Next(1, 6)),
            }),
        };
        ApprovalAccepted? asked = null;
        if (!await patiently.RunAsync("approval.request", async () => asked = await floor.Person(Planner(site)).Api.Approvals.PostAsync(ask, cancellationToken: ct), ct)) return;
        var approvalId = asked!.ApprovalId!.Value;
        acknowledged.ApprovalsRequested.Add(approvalId);

        var notice = await floor.Bridge.WaitForAsync("approval.requested", x => x.ApprovalId == approvalId, TimeSpan.FromSeconds(120), ct);
        var verdict = random.Next(4) == 0 ? "reject" : "approve";
        if (await patiently.RunAsync("approval.decide", () => floor.Bridge.ClickAsync(floor.DecisionLinks, notice, verdict, "decided from the bridge", ct), ct, conflictOnRepeatIsDone: true))
            acknowledged.Decisions[approvalId] = verdict;
    }

    /// <summary>An action from a meeting, through start, claim with evidence and the quality lead's verification.</summary>
    private async Task ActionLifecycleAsync(int n, string site, Random random, CancellationToken ct)
    {
        var owner = floor.Person(MaintenanceLead(site));
        var create = new CreateActionBody
        {
            RequestId = RequestId($"{n}-action"), Title = $"Fix recurring fault {n}", Owner = MaintenanceLead(site), Due = DateTimeOffset.UtcNow.AddDays(random.Next(1, 14)), Site = site,
            Department = "maintenance", SourceKind = SourceKind.Meeting, SourceReference = $"weekly-{n % 7}", Kpis = ["scrap-rate"],
        };
        ActionView? created = null;
        if (!await patiently.RunAsync("action.create", async () => created = await owner.Api.Actions.PostAsync(create, cancellationToken: ct), ct)) return;
        var id = created!.ActionId!.Value;
        acknowledged.ActionsCreated.Add(id);
        var action = owner.Api.Actions[id];
        if (!await patiently.RunAsync("action.start", () => action.Start.PostAsync(new ActingBody(), cancellationToken: ct), ct, conflictOnRepeatIsDone: true)) return;
        if (!await patiently.RunAsync("action.claim", () => action.Claim.PostAsync(new ClaimBody { Text = "Done, see work order", DocumentReference = $"WO-{n}" }, cancellationToken: ct),
                ct, conflictOnRepeatIsDone: true)) return;
        if (!await patiently.RunAsync("action.verify", () => floor.Person(QualityLead(site)).Api.Actions[id].Verify.PostAsync(new ActingBody(), cancellationToken: ct),
                ct, conflictOnRepeatIsDone: true)) return;
        acknowledged.ActionsVerified.Add(id);
    }

    /// <summary>The idempotency key of one of this run's requests: a retry sends the same one.</summary>
    private Guid RequestId(string what) => new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{events.Run}-{what}")));

    private async Task ReadAsync(string site, Random random, CancellationToken ct)
    {
        var desk = floor.Person(Planner(site));
        if (random.Next(2) == 0)
            await patiently.RunAsync("read.cases", () => desk.Api.Exceptions.GetAsync(q => { q.QueryParameters.Site = site; q.QueryParameters.Limit = 50; }, ct), ct);
        else
            await patiently.RunAsync("read.actions", () => desk.Api.Actions.GetAsync(q => { q.QueryParameters.Site = site; q.QueryParameters.Limit = 50; }, ct), ct);
    }
}
