using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Given these events, the request's state; decisions are then plain function calls on it.</summary>
public static class Given
{
    public static ApprovalRequest Request(IEnumerable<object> events) => events.Aggregate(ApprovalRequest.Initial, (s, e) => s.Evolve(e));

    public static ApprovalRequest After(this ApprovalRequest state, IEnumerable<object> events) => events.Aggregate(state, (s, e) => s.Evolve(e));

    public static T Single<T>(this IReadOnlyList<object> events) => Assert.Single(events.OfType<T>());
}
