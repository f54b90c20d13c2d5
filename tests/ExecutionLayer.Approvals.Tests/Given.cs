using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>Given these events, the request's state; decisions are then plain function calls on it.</summary>
public static class Given
{
    public static ApprovalRequest Request(IEnumerable<ApprovalRequest.Event> events) => events.Aggregate(ApprovalRequest.Initial, (s, e) => s.Apply(e));

    public static ApprovalRequest After(this ApprovalRequest state, IEnumerable<ApprovalRequest.Event> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    public static T Single<T>(this IReadOnlyList<ApprovalRequest.Event> events) => Assert.Single(events.OfType<T>());
}
