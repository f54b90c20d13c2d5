using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// Two recommendations accepted on Monday each promised that an order would ship by Friday 17:00. SAP reports SH-900 of the first
/// dispatched Friday morning; the second's shipment never leaves. Six hours after the promise date each is judged. Its own service:
/// the test moves the clock to the weekend.
/// </summary>
public sealed class RecommendationPromiseTests : IAsyncLifetime
{
    private readonly ExceptionsApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        var rule = await _app.Client.PutAsJsonAsync("/recommendation-policies/OH-DAYTON/expedite-purchase-order", new { autoAcceptUpTo = 2_000 });
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => _app.DisposeAsync();

    private async Task<Guid> RecommendAsync(string s)
    {
        await _app.PostEventsAsync(PlantDay.Plan(s));
        await _app.PostEventsAsync(PlantDay.BearingsNeededAndOrdered(s, $"PO-4410{s}"));
        var response = await _app.As("planning-assistant").PostAsJsonAsync("/recommendations", new
        {
            id = $"rec{s}", site = "OH-DAYTON", source = new { system = "planning-assistant", model = "copilot-plan", modelVersion = "2026.11" },
            actions = new[] { new { kind = "expeditePurchaseOrder", purchaseOrderId = $"PO-4410{s}", needBy = PlantDay.Monday.AddDays(1), cost = 800 } },
            expectedEffect = new { salesOrderId = $"SO-1001{s}" }, confidence = 0.7,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        return view.GetProperty("recommendationId").GetGuid();
    }

    private async Task<JsonElement?> JudgementAsync(Guid id) =>
        (await _app.Client.GetFromJsonAsync<JsonElement>($"/recommendations/{id}")).GetProperty("judgement") is { ValueKind: JsonValueKind.Object } j ? j : null;

    [Fact]
    public async Task A_promise_is_judged_six_hours_after_its_date_kept_when_every_shipment_left_by_then()
    {
        var kept = await RecommendAsync("-kept");
        var missed = await RecommendAsync("-missed");
        await _app.PostEventsAsync(PlantDay.Event("sh900-out-kept", "sap-oh", "ShipmentDispatched", "shipment/SH-900-kept", PlantDay.Friday.AddHours(-8),
            new { shipmentId = "SH-900-kept", dispatchedAt = PlantDay.Friday.AddHours(-8) }));

        // At the promise date itself nothing is judged yet: a dispatch SAP reports late still counts.
        _app.Clock.Set(PlantDay.Friday.AddHours(1));
        Assert.Null(await JudgementAsync(kept));

        _app.Clock.Set(PlantDay.Friday.AddHours(6).AddMinutes(1));
        await Eventually.TrueAsync(async () => await JudgementAsync(kept) is not null && await JudgementAsync(missed) is not null, "both promises are judged");
        var judged = (await JudgementAsync(kept))!.Value;
        Assert.Equal("cameTrue", judged.GetProperty("outcome").GetString());
        Assert.Contains("SH-900-kept", judged.GetProperty("basis").GetString());
        var late = (await JudgementAsync(missed))!.Value;
        Assert.Equal(("didNotComeTrue", "Not dispatched by the promise date 2026-11-27T17:00:00.0000000+00:00: SH-900-missed."),
            (late.GetProperty("outcome").GetString(), late.GetProperty("basis").GetString()));
    }
}
