namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// Where the week broke, through the gateway on the real processes: the intake's times give exact figures; the hold's cascade
/// is measured on the services' own work, so it is bounded rather than fixed.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class FlowTests(PlantDayRun run)
{
    [Fact]
    public void The_weeks_flow_is_measured_from_the_floors_own_times()
    {
        var dayton = Assert.Single(run.Day.Flow.Rows!, r => r.Group == "OH-DAYTON");
        // SO-1001 confirmed 06:10, PR-77 released for it 06:20; SO-1002 booked 11:15, PR-79 released 11:16 (re-confirmations move neither).
        Assert.Equal((2, 0, 60.0, 600.0, 330.0), (dayton.OrderToProductionLag!.Count, dayton.OrderToProductionLag.Pending,
            dayton.OrderToProductionLag.P50Seconds, dayton.OrderToProductionLag.P90Seconds, dayton.OrderToProductionLag.MeanSeconds));
        // PR-77 released 06:20, its step on CNC-4 started 06:45; PR-78, PR-79 and PR-80 never started.
        Assert.Equal((1, 3, 1500.0), (dayton.ReleaseToStart!.Count, dayton.ReleaseToStart.Pending, dayton.ReleaseToStart.MeanSeconds));
        // Planned 06:30–12:00; CNC-4 broke at 09:05 and the step never finished: late, started 15 minutes behind plan.
        Assert.Equal((1, 0, 0.0, 900.0), (dayton.ScheduleAdherence!.Due, dayton.ScheduleAdherence.OnTime, dayton.ScheduleAdherence.Rate,
            dayton.ScheduleAdherence.MeanStartDelaySeconds));
        // The Saturday overtime the director granted; no expediting.
        Assert.Equal((1, 1.0, 0), (dayton.UnplannedOvertime!.Granted, dayton.UnplannedOvertime.PerWeek, dayton.Expedite!.Granted));
        // QH-1 raised at 10:30: its orders and shipments blocked and each function's action created within the services' own time.
        Assert.Equal((1, 0), (dayton.HoldCascadeLatency!.Count, dayton.HoldCascadeLatency.Pending));
        Assert.InRange(dayton.HoldCascadeLatency.MaxSeconds!.Value, 0, 120);
    }
}
