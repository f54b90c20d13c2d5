using ExecutionLayer.Actions.ClosureQuality;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using static ExecutionLayer.Actions.Tests.Given;

namespace ExecutionLayer.Actions.Tests;

/// <summary>KPI status, trend and whether a KPI moved after a closure, on hand-made readings.</summary>
public sealed class KpiTests
{
    // Scrap rate: lower is better; green at or below 1.5 %, red at or above 3 %.
    private static readonly KpiDefinition ScrapRate = new("Scrap rate", "%", Direction.LowerIsBetter, 1.0m, 1.5m, 3.0m, Perspective.InternalProcess);
    private static readonly KpiDefinition Otd = new("On-time delivery", "%", Direction.HigherIsBetter, 98m, 95m, 90m, Perspective.Customer);

    [Theory]
    [InlineData(1.2, KpiStatus.Green)]
    [InlineData(1.5, KpiStatus.Green)]
    [InlineData(2.2, KpiStatus.Amber)]
    [InlineData(3.0, KpiStatus.Red)]
    [InlineData(4.1, KpiStatus.Red)]
    public void A_lower_is_better_kpi_is_judged_against_its_thresholds(double value, KpiStatus expected) =>
        Assert.Equal(expected, ScrapRate.StatusOf((decimal)value));

    [Theory]
    [InlineData(99, KpiStatus.Green)]
    [InlineData(93, KpiStatus.Amber)]
    [InlineData(90, KpiStatus.Red)]
    public void A_higher_is_better_kpi_is_judged_the_other_way_round(double value, KpiStatus expected) =>
        Assert.Equal(expected, Otd.StatusOf((decimal)value));

    [Fact]
    public void Thresholds_the_wrong_way_round_for_the_direction_are_refused()
    {
        Assert.NotEmpty((ScrapRate with { Green = 3.0m, Red = 1.5m }).Validate());
        Assert.Empty(ScrapRate.Validate());
    }

    [Fact]
    public void A_falling_scrap_rate_is_improving_a_falling_delivery_rate_worsening_and_small_changes_are_flat()
    {
        Assert.Equal(TrendDirection.Improving, KpiTrend.Of(ScrapRate, [2.4m, 2.2m, 1.9m]).Direction);
        Assert.Equal(TrendDirection.Worsening, KpiTrend.Of(Otd, [97m, 95m, 92m]).Direction);
        Assert.Equal(TrendDirection.Flat, KpiTrend.Of(Otd, [97m, 96.5m, 97.5m]).Direction);
        Assert.Equal(TrendDirection.Unknown, KpiTrend.Of(Otd, [97m]).Direction);
    }

    [Fact]
    public void The_trend_looks_at_the_latest_eight_readings_only()
    {
        decimal[] readings = [9m, 1m, 1m, 1m, 1m, 1m, 1m, 1m, 1m];
        Assert.Equal(TrendDirection.Flat, KpiTrend.Of(ScrapRate, readings).Direction);
    }

    [Fact]
    public void A_kpi_better_than_at_closure_within_the_window_moved()
    {
        var verifiedAt = Monday;
        Reading[] readings = [new(2.4m, Monday.AddDays(-7)), new(2.2m, Monday.AddDays(-1)), new(2.3m, Monday.AddDays(3)), new(1.4m, Monday.AddDays(8))];
        var movement = ClosureMovement.Of("scrap-rate", ScrapRate, readings, verifiedAt, verifiedAt.AddDays(14));
        Assert.True(movement.Moved);
        Assert.Equal(2.2m, movement.Baseline);
        Assert.Equal(1.4m, movement.Best);
    }

    [Fact]
    public void A_kpi_that_only_improved_after_the_window_did_not_move()
    {
        Reading[] readings = [new(2.2m, Monday.AddDays(-1)), new(2.3m, Monday.AddDays(7)), new(1.1m, Monday.AddDays(15))];
        Assert.False(ClosureMovement.Of("scrap-rate", ScrapRate, readings, Monday, Monday.AddDays(14)).Moved);
    }

    [Fact]
    public void Without_readings_or_a_definition_no_movement_can_be_shown()
    {
        Assert.False(ClosureMovement.Of("scrap-rate", ScrapRate, [], Monday, Monday.AddDays(14)).Moved);
        Assert.False(ClosureMovement.Of("scrap-rate", null, [new(2.2m, Monday.AddDays(-1)), new(1.0m, Monday.AddDays(2))], Monday, Monday.AddDays(14)).Moved);
    }

    [Fact]
    public void Without_a_reading_before_closure_the_first_in_the_window_is_the_baseline()
    {
        Reading[] readings = [new(2.2m, Monday.AddDays(1)), new(1.9m, Monday.AddDays(6))];
        var movement = ClosureMovement.Of("scrap-rate", ScrapRate, readings, Monday, Monday.AddDays(14));
        Assert.True(movement.Moved);
        Assert.Equal(2.2m, movement.Baseline);
    }
}
