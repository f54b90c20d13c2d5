namespace ExecutionLayer.Demo.Plant;

/// <summary>Approval policies as the administrator PUTs them to <c>/api/policies/{id}</c>.</summary>
public static class Policies
{
    /// <summary>A corporate policy of one stage: a role decides within the SLA, then it escalates to another.</summary>
    public static object OneStage(string name, string subjectType, string stage, string role, string sla, string escalateTo, string expiry) => new
    {
        name, site = (string?)null, match = new { subjectTypes = new[] { subjectType } }, expiry,
        stages = new[]
        {
            new { name = stage, approvers = new[] { new { role } }, quorum = new { kind = "any", n = 1 }, sla, escalation = new[] { new { role = escalateTo } } },
        },
    };
}
