using System.Xml;

namespace ExecutionLayer.Approvals.Policies;

public enum QuorumKind { Any, All, NOfM }

/// <summary>How many of a stage's approvers must approve: any one, all, or <see cref="N"/> of them.</summary>
public sealed record Quorum(QuorumKind Kind, int N = 1)
{
    public int RequiredOf(int approvers) => Kind switch
    {
        QuorumKind.Any => Math.Min(1, approvers),
        QuorumKind.All => approvers,
        _ => N,
    };
}

/// <summary>An approver named by role at the request's site (falling back to the corporate directory) or by person.</summary>
public sealed record ApproverRef(string? Role = null, string? Person = null)
{
    public override string ToString() => Person is not null ? $"person:{Person}" : $"role:{Role}";
}

/// <summary>
/// One stage: who approves, how many must, how long they have (ISO-8601 duration), and who it climbs to
/// when that runs out — each level is notified and the stage is reassigned to it. A stage with
/// <see cref="MinAmount"/> applies only from that amount on (the amount thresholds).
/// </summary>
public sealed record StageRule(
    string Name, IReadOnlyList<ApproverRef> Approvers, Quorum Quorum, string Sla, IReadOnlyList<ApproverRef>? Escalation = null, decimal? MinAmount = null)
{
    /// <summary>The levels it climbs to; none when the policy names none.</summary>
    public IReadOnlyList<ApproverRef> Escalation { get; init; } = Escalation ?? [];
}

/// <summary>Which requests a policy governs. Unset bounds match anything; amount bounds need an amount in <see cref="Currency"/>.</summary>
public sealed record PolicyMatch(
    IReadOnlyList<string> SubjectTypes, decimal? MinAmount = null, decimal? MaxAmount = null, string? Currency = null, IReadOnlyList<string>? Severities = null);

/// <summary>
/// How far the data may move between a request and a decision before the approver must confirm on the data as it stands now:
/// value at risk up by more than <see cref="ValueAtRiskUpPercent"/>, a customer affected who was not, or the deviation cleared
/// (what was asked for may no longer be needed). Unset triggers never ask.
/// </summary>
public sealed record ReconfirmRule(decimal? ValueAtRiskUpPercent = null, bool NewCustomer = false, bool Cleared = false)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AsksAnything => ValueAtRiskUpPercent is not null || NewCustomer || Cleared;

    /// <summary>Why this drift needs re-confirmation, one plain sentence per trigger it passed; none when it does not.</summary>
    public IReadOnlyList<string> PassedBy(LiveContext.ContextDrift drift)
    {
        var why = new List<string>();
        if (Cleared && drift.Cleared) why.Add("The deviation has cleared since the request.");
        if (ValueAtRiskUpPercent is { } limit && drift.ValueAtRiskChangePercent is { } up && up > limit)
            why.Add(FormattableString.Invariant($"Value at risk is up {up:0.#} % since the request (the policy allows {limit:0.#} %)."));
        if (NewCustomer && drift.CustomersAdded.Count > 0) why.Add($"Customers affected since the request: {string.Join(", ", drift.CustomersAdded)}.");
        return why;
    }
}

/// <summary>
/// A policy as published. <see cref="Site"/> null is a corporate default; a site's policy matching the
/// same request overrides it there. <see cref="Expiry"/> is how long a request may stay undecided.
/// <see cref="Reconfirm"/>, when set, is carried on each request it routes: the drift its decisions must be confirmed past.
/// </summary>
public sealed record PolicyDefinition(string Name, PolicyMatch Match, IReadOnlyList<StageRule> Stages, string Expiry, string? Site = null, ReconfirmRule? Reconfirm = null)
{
    public static TimeSpan Duration(string iso) => XmlConvert.ToTimeSpan(iso);

    /// <summary>Everything wrong with the definition, by field, so one response lists it all.</summary>
    /// <param name="siteProblem">What is wrong with <see cref="Site"/> by the site registry (null when it is registered or left out).</param>
    public Dictionary<string, string[]> Validate(string? siteProblem)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name)) errors["name"] = ["Give the policy a name."];
        if (siteProblem is not null) errors["site"] = [$"{siteProblem} Or leave it out for a corporate default."];
        if (Match is null || Match.SubjectTypes is not { Count: > 0 } || Match.SubjectTypes.Any(string.IsNullOrWhiteSpace))
            errors["match.subjectTypes"] = ["Name at least one subject type (overtime, expedite, deviation…)."];
        if (Match is { MinAmount: { } min, MaxAmount: { } max } && max <= min) errors["match.maxAmount"] = ["Must be above minAmount."];
        if (Match is { MinAmount: not null } or { MaxAmount: not null } && Match.Currency is not { Length: 3 })
            errors["match.currency"] = ["Amount thresholds need an ISO 4217 currency such as USD."];
        if (!IsDuration(Expiry)) errors["expiry"] = ["Use an ISO-8601 duration such as P3D."];
        if (Reconfirm is { ValueAtRiskUpPercent: < 0 }) errors["reconfirm.valueAtRiskUpPercent"] = ["A percentage of 0 or more (0: any rise)."];
        if (Reconfirm is { AsksAnything: false })
            errors["reconfirm"] = ["Set at least one trigger (valueAtRiskUpPercent, newCustomer, cleared), or leave reconfirm out."];
        if (Stages is not { Count: > 0 }) errors["stages"] = ["At least one stage."];
        for (var i = 0; i < (Stages?.Count ?? 0); i++)
        {
            var stage = Stages![i];
            var at = $"stages[{i}]";
            if (stage is null) { errors[at] = ["A stage is required here."]; continue; }
            if (string.IsNullOrWhiteSpace(stage.Name)) errors[$"{at}.name"] = ["Name the stage."];
            if (stage.Approvers is not { Count: > 0 }) errors[$"{at}.approvers"] = ["At least one approver (a role or a person)."];
            else if (stage.Approvers.Any(a => a is null || (a.Role is null) == (a.Person is null) || string.IsNullOrWhiteSpace(a.Role ?? a.Person)))
                errors[$"{at}.approvers"] = ["Each approver is either a role or a person, not both."];
            if (stage.Escalation.Any(a => a is null || (a.Role is null) == (a.Person is null) || string.IsNullOrWhiteSpace(a.Role ?? a.Person)))
                errors[$"{at}.escalation"] = ["A list of levels, each a role or a person (may be empty)."];
            if (stage.Quorum is null) errors[$"{at}.quorum"] = ["Say the quorum: any, all or nOfM with n."];
            else if (stage.Quorum.Kind == QuorumKind.NOfM && (stage.Quorum.N < 1 || stage.Approvers is { } a && a.All(r => r?.Role is null) && stage.Quorum.N > a.Count))
                errors[$"{at}.quorum.n"] = ["n must be at least 1 and at most the number of approvers."];
            if (!IsDuration(stage.Sla)) errors[$"{at}.sla"] = ["Use an ISO-8601 duration such as PT4H."];
        }
        return errors;
    }

    private static bool IsDuration(string? iso)
    {
        if (string.IsNullOrWhiteSpace(iso) || !iso.StartsWith('P')) return false;
        try { return Duration(iso) > TimeSpan.Zero; }
        catch (FormatException) { return false; }
        catch (OverflowException) { return false; }
    }
}
