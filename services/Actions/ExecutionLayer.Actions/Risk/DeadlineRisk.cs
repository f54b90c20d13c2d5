using ExecutionLayer.Actions.Items;

namespace ExecutionLayer.Actions.Risk;

/// <param name="OwnerOnTime">The owner's past actions closed on or before their original due date.</param>
/// <param name="OwnerDecided">The owner's past actions whose outcome is known: verified, or past their original due date unverified (cancelled ones excluded).</param>
/// <param name="OwnerOtherOpen">The owner's other open actions.</param>
public sealed record RiskFeatures(
    int OwnerOnTime, int OwnerDecided, int OwnerOtherOpen, DateTimeOffset CreatedAt, DateTimeOffset Due, int PercentComplete, Priority Priority, int DueDateChanges);

public sealed record RiskFactor(string Factor, double Value, double Contribution, string Explanation);

public sealed record RiskAssessment(double Probability, IReadOnlyList<RiskFactor> TopFactors, IReadOnlyList<RiskFactor> Factors);

/// <summary>
/// The probability that an open action misses its current due date: a logistic model with fixed,
/// documented weights (expert priors, not fitted), so the same inputs always give the same answer and
/// every answer can be explained.
/// <code>
/// logit p = −1.6
///         + 4.0 × (owner miss rate − 0.25)      owner miss rate = 1 − (on time + 3) / (decided + 4): a Beta(3, 1) prior,
///                                                so a new owner starts at 0.25, neither 0 nor 1
///         + 0.12 × (other open actions − 3)      workload, capped at 20
///         + 2.5 × (elapsed − progress)           elapsed = share of created→due gone by; both 0–1, the gap clamped to [−0.5, 1]
///         + 0.4 P1 | 0.2 P2 | 0 P3 | −0.2 P4     urgent work is tighter
///         + 0.35 × due-date changes              capped at 5: a date that moved tends to move again
/// </code>
/// An action already past its due date has missed it: p = 1. The top factors are those pushing the
/// probability up most (largest positive contributions to the logit), at most three.
/// </summary>
public static class DeadlineRisk
{
    public const double Intercept = -1.6;
    public const double PriorOnTime = 3, PriorLate = 1;

    public static RiskAssessment Assess(RiskFeatures f, DateTimeOffset now)
    {
        if (now >= f.Due)
        {
            RiskFactor[] late = [new("past-due", 1, 1, $"The due date {f.Due:yyyy-MM-dd HH:mm} has passed; the action has missed it.")];
            return new RiskAssessment(1, late, late);
        }

        var missRate = 1 - (f.OwnerOnTime + PriorOnTime) / (f.OwnerDecided + PriorOnTime + PriorLate);
        var workload = Math.Min(f.OwnerOtherOpen, 20);
        var span = (f.Due - f.CreatedAt).TotalSeconds;
        var elapsed = span <= 0 ? 1 : Math.Clamp((now - f.CreatedAt).TotalSeconds / span, 0, 1);
        var progress = f.PercentComplete / 100.0;
        var gap = Math.Clamp(elapsed - progress, -0.5, 1);
        var changes = Math.Min(f.DueDateChanges, 5);
        RiskFactor[] factors =
        [
            new("owner-history", Math.Round(missRate, 4), 4.0 * (missRate - 0.25),
                $"The owner closed {f.OwnerOnTime} of {f.OwnerDecided} past actions on time (miss rate {missRate:P0} with the prior)."),
            new("workload", workload, 0.12 * (workload - 3), $"The owner has {f.OwnerOtherOpen} other open actions."),
            new("behind-schedule", Math.Round(gap, 4), 2.5 * gap, $"{elapsed:P0} of the time has gone by at {f.PercentComplete}% progress."),
            new("priority", (int)f.Priority + 1, f.Priority switch { Priority.P1 => 0.4, Priority.P2 => 0.2, Priority.P3 => 0, _ => -0.2 }, $"Priority {f.Priority}."),
            new("due-date-changes", changes, 0.35 * changes, $"The due date has moved {f.DueDateChanges} times."),
        ];
        var logit = Intercept + factors.Sum(x => x.Contribution);
        var probability = 1 / (1 + Math.Exp(-logit));
        var rounded = factors.Select(x => x with { Contribution = Math.Round(x.Contribution, 4) }).ToArray();
        return new RiskAssessment(Math.Round(probability, 4), [.. rounded.Where(x => x.Contribution > 0).OrderByDescending(x => x.Contribution).Take(3)], rounded);
    }

    /// <summary>What the prioritised list sorts by: risk × priority weight (P1 4 … P4 1) × KPI weight (red 3, amber 2, otherwise 1).</summary>
    public static double Score(double probability, Priority priority, Kpis.KpiStatus worstKpi) =>
        probability * (4 - (int)priority) * worstKpi switch { Kpis.KpiStatus.Red => 3, Kpis.KpiStatus.Amber => 2, _ => 1 };
}
