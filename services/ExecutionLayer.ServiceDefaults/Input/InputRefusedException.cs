using System.Text.Json;

namespace ExecutionLayer.ServiceDefaults.Input;

/// <summary>
/// A body field broke the input policy. Thrown while the body is read, so the request is refused before
/// any handler runs; <see cref="Member"/> is the field within the object at the exception's JSON path.
/// </summary>
public sealed class InputRefusedException(string member, InputViolation violation) : JsonException(violation.Message)
{
    public string Member { get; } = member;

    public InputViolation Violation { get; } = violation;
}
