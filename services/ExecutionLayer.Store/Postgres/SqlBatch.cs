using Npgsql;

namespace ExecutionLayer.Store.Postgres;

/// <summary>
/// Statements gathered to run in one round trip, in the order added, in the caller's transaction: each
/// sees what the ones before it wrote. When one fails the transaction is aborted, as it would have been
/// had they run one by one.
/// </summary>
public sealed class SqlBatch
{
    private readonly List<NpgsqlBatchCommand> _commands = [];

    public int Count => _commands.Count;

    public void Add(string sql, params object?[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) command.Parameters.Add(Sql.Parameter(arg));
        _commands.Add(command);
    }

    /// <summary>Runs what was gathered, if anything, and starts over empty.</summary>
    public async Task ExecuteAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        if (_commands.Count == 0) return;
        await using var batch = new NpgsqlBatch(tx.Connection, tx);
        foreach (var command in _commands) batch.BatchCommands.Add(command);
        _commands.Clear();
        await batch.ExecuteNonQueryAsync(ct);
    }
}
