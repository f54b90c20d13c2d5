using System.Text.Json;
using ExecutionLayer.Client.Api.Actions;
using ExecutionLayer.Client.Api.Exceptions;
using ExecutionLayer.Client.Models;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;
using ExecutionLayer.Demo.Api;
using ExecutionLayer.Demo.Bridge;
using ExecutionLayer.Demo.Narration;
using static ExecutionLayer.Demo.Plant.Cast;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// The day at a plant from DOMAIN.md, played through the gateway as the ERP/MES, the people, the approver
/// bridge and the auditor would: each step posts what happened, waits for the system's reaction and
/// keeps what it answered. Steps run in the plant's time order because the clock only moves forward.
/// <paramref name="erp"/> is the ERP's own webhook endpoint, where granted changes to governed fields arrive.
/// </summary>
public sealed partial class PlantDay(Cast cast, PlantClock clock, ApproverBridge bridge, ApproverBridge erp, INarrator narrator)
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
        await RecommendAnExpediteAsync(ct);
        await BookARushOrderAsync(ct);
        await EscalateAndApproveAsync(ct);
        await MoveAPromiseDateAsync(ct);
        await CatchAnUngovernedChangeAsync(ct);
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

    /// <summary>One ERP/MES fact at the plant, as the intake reads it.</summary>
    private static OperationalEvent Event<TFact>(string id, string source, string subject, DateTimeOffset at, TFact fact) where TFact : IFactEnvelope =>
        OperationalEvent.Of(fact, id, source, Site, subject, at);

    private async Task PostEventsAsync(CancellationToken ct, params OperationalEvent[] events)
    {
        var answer = (await cast.Erp.Api.Events.PostAsync([.. events], cancellationToken: ct))!;
        if (answer.Rejected > 0)
            throw new InvalidOperationException($"The intake rejected events: {string.Join("; ", (answer.Results ?? []).Where(r => r.Status == IntakeStatus.Rejected).Select(r => $"{r.Id}: {r.Problem?.Detail}"))}");
        narrator.Fact($"intake: {answer.Accepted} accepted, {answer.Duplicates} duplicate(s)");
    }

    private async Task<CaseView> CaseAsync(Guid caseId, CancellationToken ct) => (await cast.PlanningDesk.Api.Exceptions[caseId].GetAsync(cancellationToken: ct))!;

    private Task<CaseView> RespondingCaseAsync(GetKindQueryParameterType kind, Func<CaseView, bool> ready, CancellationToken ct) =>
        Waiting.UntilAsync($"a responding {Camel<GetKindQueryParameterType>(kind)} case", async () =>
        {
            var cases = await cast.PlanningDesk.Api.Exceptions.GetAsync(q => { q.QueryParameters.Site = Site; q.QueryParameters.Kind = kind; }, ct);
            foreach (var summary in cases ?? [])
            {
                var found = await CaseAsync(summary.CaseId!.Value, ct);
                if (found.State?.Status == CaseStatus.Responding && ready(found)) return found;
            }
            return null;
        }, ct);

    private static bool HasEvent(CaseView caseView, string type) => (caseView.Timeline ?? []).Any(e => e.Type == type);

    private static JsonElement TimelineEvent(CaseView caseView, string type) => caseView.Timeline!.Last(e => e.Type == type).Event.AsJson();

    private async Task<ActionSummary[]> CaseActionsAsync(Guid caseId, int expected, CancellationToken ct) =>
        await Waiting.UntilAsync($"{expected} actions of case {caseId}", async () =>
        {
            var listed = await cast.Manager.Api.Actions.GetAsync(q => { q.QueryParameters.Site = Site; q.QueryParameters.SourceKind = GetSourceKindQueryParameterType.Exception; q.QueryParameters.Limit = 1000; }, ct);
            var actions = (listed ?? []).Where(a => a.CorrelationId == $"case-{caseId}").ToArray();
            return actions.Length >= expected ? actions : null;
        }, ct);

    /// <summary>An enum as the API spells it (camelCase), from the generated client's C# name: what the demo narrates.</summary>
    private static string Camel<TEnum>(TEnum? value) where TEnum : struct, Enum => value is { } v ? JsonNamingPolicy.CamelCase.ConvertName(v.ToString()) : "";
}
