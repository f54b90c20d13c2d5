namespace ExecutionLayer.EventSourcing;

/// <summary>The stream's version after the append, and the log positions drawn for its events.</summary>
public sealed record AppendResult(string StreamId, long NextExpectedVersion, IReadOnlyList<long> Positions);
