using ExecutionLayer.Client.Models;
using Microsoft.Kiota.Abstractions.Serialization;

namespace ExecutionLayer.Demo.Plant;

/// <summary>Approval policies and action rules as the administrator PUTs them, in the generated client's models.</summary>
public static class Policies
{
    /// <summary>
    /// A corporate policy of one stage: a role decides within the SLA, then it escalates to another. <paramref name="reconfirm"/>: how far the
    /// data may move before the approver must confirm on the data now.
    /// </summary>
    public static PolicyDefinition OneStage(
        string name, string subjectType, string stage, string role, string sla, string escalateTo, string expiry, ReconfirmRule? reconfirm = null) => new()
    {
        Name = name, Match = new() { SubjectTypes = [subjectType] }, Expiry = expiry, Reconfirm = reconfirm,
        Stages =
        [
            new() { Name = stage, Approvers = [new() { Role = role }], Quorum = new() { Kind = QuorumKind.Any, N = 1 }, Sla = sla, Escalation = [new() { Role = escalateTo }] },
        ],
    };

    /// <summary>A corporate policy of two stages, each a role deciding within the SLA (the second escalating to <paramref name="escalateTo"/>).</summary>
    public static PolicyDefinition TwoStages(string name, string subjectType, (string Stage, string Role) first, (string Stage, string Role) second, string sla,
        string escalateTo, string expiry) => new()
    {
        Name = name, Match = new() { SubjectTypes = [subjectType] }, Expiry = expiry,
        Stages =
        [
            new() { Name = first.Stage, Approvers = [new() { Role = first.Role }], Quorum = new() { Kind = QuorumKind.Any, N = 1 }, Sla = sla, Escalation = [] },
            new() { Name = second.Stage, Approvers = [new() { Role = second.Role }], Quorum = new() { Kind = QuorumKind.Any, N = 1 }, Sla = sla, Escalation = [new() { Role = escalateTo }] },
        ],
    };

    /// <summary>A site's action rules: owners by role, the owner told at once when overdue, the quality lead verifies within 14 days.</summary>
    public static SiteRulesBody SiteRules(IReadOnlyDictionary<string, string[]> roles) => new()
    {
        // A map of role → people is additional data to the generated model; untyped nodes say it as JSON arrays.
        Roles = new() { AdditionalData = roles.ToDictionary(r => r.Key, r => (object)new UntypedArray([.. r.Value.Select(p => new UntypedString(p))])) },
        Managers = new(),
        OverdueLadder = [new() { Notify = "owner", After = "PT0S" }],
        RepeatWindowDays = 90, VerificationWindowDays = 14, DefaultVerifierRole = "quality-lead",
    };
}
