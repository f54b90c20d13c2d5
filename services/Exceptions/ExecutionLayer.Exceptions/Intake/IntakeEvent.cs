using System.Text.Json;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>One accepted operational event, in the CloudEvents attribute names (id, source, type, time/occurredAt, subject) plus site.</summary>
public sealed record IntakeEvent(string Id, string Source, string Type, string Site, string Subject, DateTimeOffset OccurredAt, JsonElement Data, object Fact);

/// <summary>Why one event of a batch was refused (the rest of the batch is unaffected); an input-policy refusal names the field and the rule.</summary>
public sealed record IntakeRejection(string Title, string Detail, string? Field = null, string? Rule = null);

/// <summary>What is stored for each accepted event: the fact exactly as received, under the source's own id.</summary>
public sealed record OperationalEventReceived(
    string Source, string SourceEventId, string Type, string Site, string Subject, DateTimeOffset OccurredAt, JsonElement Data);
