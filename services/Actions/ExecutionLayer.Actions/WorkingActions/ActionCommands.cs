using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using ExecutionLayer.Actions.Items;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Actions.WorkingActions;

// The bodies of the lifecycle commands. Who acts is the signed caller (or the person a client holding
// act-on-behalf names in onBehalfOf), never another body field.

/// <summary>The body of a command that needs nothing but may be relayed for someone (start, verify).</summary>
public sealed record ActingBody(string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record AssignBody(string Owner, string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record ReasonBody([FreeText] string Reason, string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record ProgressBody([FreeText] string Note, int? PercentComplete = null, string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record ChangeDueBody(DateTimeOffset Due, [FreeText] string Reason, string? OnBehalfOf = null) : IMayActOnBehalf;

public sealed record ClaimBody([FreeText] string? Text = null, [MaxLength(500)] string? DocumentReference = null, decimal? MeasuredValue = null,
    string? OnBehalfOf = null) : IMayActOnBehalf
{
    /// <summary>The evidence as the action keeps it; not a field of the request.</summary>
    [JsonIgnore]
    public Evidence Evidence => new(Text?.Trim(), DocumentReference?.Trim(), MeasuredValue);
}
