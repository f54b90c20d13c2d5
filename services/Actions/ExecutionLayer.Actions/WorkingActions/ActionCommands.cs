using ExecutionLayer.Actions.Items;

namespace ExecutionLayer.Actions.WorkingActions;

// The bodies of the lifecycle commands. Who acts is the caller (X-Actor), never a body field.

public sealed record AssignBody(string? Owner);

public sealed record ReasonBody(string? Reason);

public sealed record ProgressBody(string? Note, int? PercentComplete);

public sealed record ChangeDueBody(DateTimeOffset? Due, string? Reason);

public sealed record ClaimBody(string? Text, string? DocumentReference, decimal? MeasuredValue)
{
    public Evidence Evidence => new(Text?.Trim(), DocumentReference?.Trim(), MeasuredValue);
}
