namespace ExecutionLayer.Exceptions.ReceivingEvents;

public enum IntakeStatus { Accepted, Duplicate, Rejected }

/// <summary>The outcome of one event of the batch, in the order posted; a rejection carries an RFC 7807 problem.</summary>
public sealed record IntakeResult(int Index, string? Id, string? Source, IntakeStatus Status, IntakeProblem? Problem = null);

public sealed record IntakeProblem(string Title, string Detail, int Status = 422, string Type = "about:blank", string? Field = null, string? Rule = null);

public sealed record IntakeResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<IntakeResult> Results);
