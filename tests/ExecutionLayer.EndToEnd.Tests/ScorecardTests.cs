using ExecutionLayer.Client.Models;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The week measured against the cascade, through the gateway on the real processes: the company's delivery objective and Dayton's
/// under it, red when the weekly review opened, and the scorecard once the following week's KPIs were in.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class ScorecardTests(PlantDayRun run)
{
    [Fact]
    public void The_weekly_review_opens_with_the_objectives_the_scorecard_has_in_red()
    {
        // On Friday only week 47's readings were in: on-time delivery 91 % → (91 − 90) / (98 − 90) = 0.125 at weight 2, scrap 3.4 % → 0 at weight 1.
        var red = run.Day.ReviewOpened.RedObjectives!.ToDictionary(o => o.ObjectiveId!, o => o.Score);
        Assert.Equal(0.0833, red["dayton-ships-good-parts"]);
        Assert.Equal(0.1042, red["deliver-on-time"]); // the company's own 0.125 beside Dayton's 0.0833
    }

    [Fact]
    public void The_scorecard_scores_Daytons_objective_from_the_readings_that_stood_and_rolls_it_up_to_the_company()
    {
        var card = run.Day.Scorecard;
        var objectives = card.Perspectives!.SelectMany(p => p.Objectives!).ToDictionary(o => o.ObjectiveId!);
        var dayton = objectives["dayton-ships-good-parts"];
        var kpis = dayton.Kpis!.ToDictionary(k => k.Kpi!);
        // Week 48's readings (scrap 1.4 %, on-time delivery 90.5 %) count when they fall in the quarter; week 47's otherwise.
        var week48 = kpis["scrap-rate"].Latest == 1.4;
        var (scrap, delivery) = week48 ? (0.8, 0.0625) : (0.0, 0.125);
        Assert.Equal((scrap, delivery), (kpis["scrap-rate"].Attainment, kpis["on-time-delivery"].Attainment));
        Assert.Equal(Math.Round((2 * delivery + scrap) / 3, 4), dayton.Score);
        Assert.Equal(Math.Round((delivery + dayton.RolledScore!.Value) / 2, 4), objectives["deliver-on-time"].RolledScore);
        Assert.Equal(["dayton-ships-good-parts"], objectives["deliver-on-time"].Children);
        Assert.Equal(ScoreStatus.Red, dayton.Status);
    }
}
