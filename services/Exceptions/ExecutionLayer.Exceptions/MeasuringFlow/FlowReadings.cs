using ExecutionLayer.Store.Deadlines;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>One flow indicator as a KPI reading: the KPI id it is published under, its value and unit.</summary>
public sealed record FlowReading(string Kpi, decimal Value, string Unit);

/// <summary>
/// Flow measured as KPIs: every day at 00:00 UTC each site's indicators over the seven days before are recorded (stream
/// <c>flow-{site}</c>) and published as KPI readings, so an objective can be measured by them on the scorecard.
/// </summary>
public static class FlowReadings
{
    public const string StreamType = "flow";
    public const string StreamPrefix = "flow-";
    public const string Deadline = "flow-readings";
    public const string Source = "exceptions:flow";

    /// <summary>The week a site's flow was measured over, and what it measured; indicators with nothing ended in the week are left out.</summary>
    public sealed record Measured(string Site, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FlowReading> Readings, DateTimeOffset MeasuredAt);

    /// <summary>The KPIs a site's row becomes: durations as their median (hours; the hold cascade as its worst case, in seconds), rates in percent.</summary>
    public static IReadOnlyList<FlowReading> Of(FlowRow row)
    {
        var readings = new List<FlowReading>();
        void Hours(string kpi, FlowDurations? d)
        {
            if (d is { P50Seconds: { } p50 }) readings.Add(new FlowReading(kpi, Math.Round((decimal)p50 / 3600m, 2), "h"));
        }
        Hours("flow.order-to-production-lag-h", row.OrderToProductionLag);
        Hours("flow.release-to-start-h", row.ReleaseToStart);
        Hours("flow.waiting-between-steps-h", row.WaitingBetweenSteps);
        if (row.ScheduleAdherence.Rate is { } rate) readings.Add(new FlowReading("flow.schedule-adherence-pct", Math.Round((decimal)rate * 100m, 1), "%"));
        if (row.HoldCascadeLatency is { MaxSeconds: { } max }) readings.Add(new FlowReading("flow.hold-cascade-latency-s", Math.Round((decimal)max, 3), "s"));
        Hours("flow.exception-response-h", row.ExceptionResponseTime);
        if (row.UnplannedOvertime is { } overtime) readings.Add(new FlowReading("flow.unplanned-overtime-per-week", (decimal)overtime.PerWeek, "/week"));
        if (row.Expedite is { } expedite) readings.Add(new FlowReading("flow.expedite-per-week", (decimal)expedite.PerWeek, "/week"));
        return readings;
    }

    /// <summary>The first 00:00 UTC after an instant.</summary>
    public static DateTimeOffset NextMidnightAfter(DateTimeOffset at) => new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
}

/// <summary>
/// The day's measurement: every site's indicators for the seven days before the deadline, appended and (through the outbox) published
/// in the deadline's transaction, with the next day's deadline. Days the service was down are not measured afterwards: the next
/// deadline is the midnight after now.
/// </summary>
internal sealed class FlowReadingsHandler(FlowIndicators indicators, Deadlines deadlines, TimeProvider clock) : IDeadlineHandler
{
    public string Kind => FlowReadings.Deadline;

    public async Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct)
    {
        var (from, to) = (deadline.DueAt.AddDays(-7), deadline.DueAt);
        var rows = await indicators.QueryAsync(FlowGrouping.Site, new FlowFilter(null, from, to), ct);
        deadlines.Schedule(tx.Session, FlowReadings.NextMidnightAfter(clock.GetUtcNow()), FlowReadings.Deadline, FlowReadings.Deadline, new { });
        var provenance = new Provenance(CausationId: $"deadline-{deadline.DeadlineId}", Actor: FlowReadings.Source);
        await tx.AppendEachRecordedAsync(rows.Select(row => (
            FlowReadings.StreamPrefix + row.Group,
            new FlowReadings.Measured(row.Group, from, to, FlowReadings.Of(row), to),
            DeterministicId.From($"flow|{row.Group}|{to:O}"),
            provenance with { Site = row.Group, OccurredAt = to })), ct);
    }
}

/// <summary>
/// Makes sure the daily measurement is scheduled: a fresh database gets its first deadline at the next midnight. Instances starting
/// together take a turn, so only one schedules it.
/// </summary>
internal sealed class FlowReadingsSchedule(ServiceStore store, Deadlines deadlines) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var tx = await store.BeginAsync(ct);
        await tx.TakeTurnAsync(FlowReadings.Deadline, ct);
        if ((await deadlines.PendingAsync(FlowReadings.Deadline, ct)).Any(d => d.Kind == FlowReadings.Deadline)) return;
        deadlines.Schedule(tx.Session, FlowReadings.NextMidnightAfter(store.Clock.GetUtcNow()), FlowReadings.Deadline, FlowReadings.Deadline, new { });
        await tx.Session.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
