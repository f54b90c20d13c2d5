using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExecutionLayer.ServiceDefaults.Query;

/// <summary>
/// The period <c>[from, to)</c> a report covers, as every report reads it from its query: the end is now when left out, the start 30
/// days before the end; a period ending before it starts, or longer than ten years, is refused on <c>from</c>.
/// </summary>
public readonly record struct ReportPeriod(DateTimeOffset From, DateTimeOffset To)
{
    public static ValidationProblem? TryRead(DateTimeOffset? from, DateTimeOffset? to, TimeProvider clock, out ReportPeriod period)
    {
        var end = to ?? clock.GetUtcNow();
        period = new ReportPeriod(from ?? end.AddDays(-30), end);
        if (period.From >= period.To) return Problem.Invalid("from", "The period's start comes before its end.");
        return period.To - period.From > TimeSpan.FromDays(3660) ? Problem.Invalid("from", "At most ten years at a time.") : null;
    }
}
