using ExecutionLayer.Actions.Items;
using ExecutionLayer.Actions.Kpis;
using ExecutionLayer.Actions.Risk;
using static ExecutionLayer.Actions.Tests.Given;

namespace ExecutionLayer.Actions.Tests;

/// <summary>The deadline risk model: its prior, its explanations, and its calibration on a history whose miss probabilities are known.</summary>
public sealed class DeadlineRiskTests
{
    private static RiskFeatures Features(int onTime = 0, int decided = 0, int open = 3, int progress = 50, Priority priority = Priority.P3, int changes = 0) =>
        new(onTime, decided, open, Monday, Monday.AddDays(10), progress, priority, changes);

    [Fact]
    public void A_new_owner_is_judged_by_the_prior_not_as_never_or_always_late()
    {
        var risk = DeadlineRisk.Assess(Features(), Monday.AddDays(5));
        var owner = Assert.Single(risk.Factors, f => f.Factor == "owner-history");
        Assert.Equal(0.25, owner.Value);
        Assert.InRange(risk.Probability, 0.05, 0.95);
    }

    [Fact]
    public void An_owner_who_is_usually_late_behind_schedule_with_a_moved_date_is_at_high_risk_and_told_why()
    {
        var risk = DeadlineRisk.Assess(Features(onTime: 2, decided: 12, open: 9, progress: 10, changes: 2), Monday.AddDays(8));
        Assert.True(risk.Probability > 0.9, $"p = {risk.Probability}");
        Assert.Equal(["owner-history", "behind-schedule", "workload"], risk.TopFactors.Select(f => f.Factor));
    }

    [Fact]
    public void The_same_inputs_give_the_same_answer() =>
        Assert.Equal(DeadlineRisk.Assess(Features(3, 4), Monday.AddDays(2)), DeadlineRisk.Assess(Features(3, 4), Monday.AddDays(2)), new RiskComparer());

    [Fact]
    public void An_action_past_its_due_date_has_missed_it() =>
        Assert.Equal(1, DeadlineRisk.Assess(Features(), Monday.AddDays(11)).Probability);

    [Fact]
    public void The_prioritised_score_weighs_risk_by_priority_and_kpi_status()
    {
        Assert.Equal(0.5 * 4 * 3, DeadlineRisk.Score(0.5, Priority.P1, KpiStatus.Red));
        Assert.Equal(0.5 * 1 * 1, DeadlineRisk.Score(0.5, Priority.P4, KpiStatus.Green));
    }

    /// <summary>
    /// A synthetic plant: 200 owners, each with a hidden reliability; their past actions and the open
    /// ones are drawn from known miss probabilities that depend on that reliability, on how far behind
    /// schedule the action is, on workload and on moved dates. The model never sees the hidden values,
    /// only the history — and must still predict better than always answering the overall miss rate.
    /// </summary>
    [Fact]
    public void On_a_history_generated_from_known_miss_probabilities_the_model_beats_a_constant_baseline()
    {
        var random = new Random(20261123);
        var cases = new List<(double Predicted, bool Missed)>();
        for (var owner = 0; owner < 200; owner++)
        {
            var reliability = Beta(random, 4, 1.5);
            var history = random.Next(0, 25);
            var onTime = Enumerable.Range(0, history).Count(_ => random.NextDouble() < reliability);
            var open = random.Next(0, 12);
            for (var a = 0; a < 10; a++)
            {
                var elapsed = random.NextDouble();
                var progress = Math.Clamp(elapsed + (random.NextDouble() - 0.5) * 0.8, 0, 1);
                var changes = random.NextDouble() < 0.2 ? random.Next(1, 4) : 0;
                var priority = (Priority)random.Next(0, 4);
                var logit = Logit(1 - reliability) + 2.0 * (elapsed - progress) + 0.1 * (open - 3) + 0.4 * changes;
                var missed = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
                var created = Monday;
                var due = created.AddDays(20);
                var now = created.AddDays(20 * elapsed);
                var features = new RiskFeatures(onTime, history, open, created, due, (int)Math.Round(progress * 100), priority, changes);
                cases.Add((DeadlineRisk.Assess(features, now).Probability, missed));
            }
        }
        var baseRate = cases.Average(c => c.Missed ? 1.0 : 0.0);
        var model = cases.Average(c => Math.Pow(c.Predicted - (c.Missed ? 1 : 0), 2));
        var constant = cases.Average(c => Math.Pow(baseRate - (c.Missed ? 1 : 0), 2));
        Assert.True(model < constant * 0.9, $"Brier score: model {model:F4}, constant {constant:F4} (base rate {baseRate:P1})");
    }

    private static double Logit(double p) => Math.Log(Math.Clamp(p, 1e-6, 1 - 1e-6) / (1 - Math.Clamp(p, 1e-6, 1 - 1e-6)));

    private static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a);
        return x / (x + Gamma(random, b));
    }

    // Marsaglia and Tsang, for shape ≥ 1 (boosted below 1).
    private static double Gamma(Random random, double shape)
    {
        if (shape < 1) return Gamma(random, shape + 1) * Math.Pow(random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class RiskComparer : IEqualityComparer<RiskAssessment>
    {
        public bool Equals(RiskAssessment? x, RiskAssessment? y) => x!.Probability == y!.Probability && x.Factors.SequenceEqual(y.Factors);

        public int GetHashCode(RiskAssessment obj) => obj.Probability.GetHashCode();
    }
}
