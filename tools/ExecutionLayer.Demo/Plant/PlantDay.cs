using System.Net;
using System.Text.Json;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Demo.Narration;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// The day at a plant from DOMAIN.md, played through the gateway as the ERP/MES, the people, the approver
/// bridge and the auditor would: each step posts what happened, waits for the system's reaction and
/// keeps what it answered. Steps run in the plant's time order because the clock only moves forward.
/// </summary>
public sealed partial class PlantDay(Cast cast, PlantClock clock, ApproverBridge bridge, INarrator narrator)
{
    private readonly PlantDayRecord _record = new();
    private DateTimeOffset _monday;

    public async Task<PlantDayRecord> PlayAsync(CancellationToken ct)
    {
        await SetUpThePlantAsync(ct);
        await PostTheMorningPlanAsync(ct);
        await BreakDownCnc4Async(ct);
        await AskForOvertimeAsync(ct);
        await HoldTheBarStockAsync(ct);
        await EscalateAndApproveAsync(ct);
        await RepairAndReleaseAsync(ct);
        await RunTheWeeklyReviewAsync(ct);
        await ShipAndMeasureAsync(ct);
        await AnswerTheAuditorAsync(ct);
        return _record;
    }

    private DateTimeOffset At(int day, int hour, int minute = 0) => _monday.AddDays(day).AddHours(hour).AddMinutes(minute);

    private DateTimeOffset Friday => At(4, 17);

    private async Task MoveToAsync(DateTimeOffset at, string headline, CancellationToken ct)
    {
        await clock.MoveToAsync(at, ct);
        narrator.Step(at, headline);
    }

    private static object Event(string id, string source, string type, string subject, DateTimeOffset at, object data) =>
        new { specversion = "1.0", id, source, type, site = Site, subject, time = at, data };

    /// <summary>Posts a batch to the intake as the plant's systems do, and says what it accepted.</summary>
    private async Task PostEventsAsync(CancellationToken ct, params object[] events)
    {
        var answer = await cast.Erp.PostAsync("/api/events", events, ct);
        if (answer.At("rejected").GetInt32() > 0)
            throw new InvalidOperationException($"The intake rejected events: {string.Join("; ", answer.Items("results").Where(r => r.Text("status") == "rejected"))}");
        narrator.Fact($"intake: {answer.At("accepted").GetInt32()} accepted, {answer.At("duplicates").GetInt32()} duplicate(s)");
    }

    private async Task<JsonElement> CaseAsync(Guid caseId, CancellationToken ct) => await cast.PlanningDesk.GetAsync($"/api/exceptions/{caseId}", ct);

    /// <summary>The case of this kind at the site, once it is responding (impact assessed, functions routed).</summary>
    private Task<JsonElement> RespondingCaseAsync(string kind, Func<JsonElement, bool> ready, CancellationToken ct) =>
        Waiting.UntilAsync($"a responding {kind} case", async () =>
        {
            foreach (var summary in (await cast.PlanningDesk.GetAsync($"/api/exceptions?site={Site}&kind={kind}", ct)).Items())
            {
                var found = await CaseAsync(summary.At("caseId").GetGuid(), ct);
                if (found.Text("state.status") == "responding" && ready(found)) return found;
            }
            return null;
        }, ct);

    private static bool HasEvent(JsonElement caseView, string type) => caseView.Items("timeline").Any(e => e.Text("type") == type);

    private static JsonElement TimelineEvent(JsonElement caseView, string type) =>
        caseView.Items("timeline").Last(e => e.Text("type") == type).At("event");

    /// <summary>The actions a case's routing created, once there are as many as it routed to.</summary>
    private async Task<JsonElement[]> CaseActionsAsync(Guid caseId, int expected, CancellationToken ct) =>
        (await Waiting.UntilAsync($"{expected} actions of case {caseId}", async () =>
        {
            var actions = (await cast.Manager.GetAsync($"/api/actions?site={Site}&sourceKind=exception&limit=1000", ct)).Items()
                .Where(a => a.Text("correlationId") == $"case-{caseId}").ToArray();
            return actions.Length >= expected ? JsonSerializer.SerializeToElement(actions) : null;
        }, ct)).EnumerateArray().ToArray();

    private static async Task<bool> ExistsAsync(GatewayClient client, string path, CancellationToken ct) =>
        (await client.TryGetAsync(path, ct)).Status != HttpStatusCode.NotFound;
}
