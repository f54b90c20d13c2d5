using Npgsql;

namespace ExecutionLayer.Store.Postgres;

public static class ServiceDataSource
{
    /// <summary>
    /// A service's connection pool. Every statement here is short; PostgreSQL's JIT compiles any plan
    /// above jit_above_cost and spends 100+ ms doing so (measured on the metrics queries at 20k actions:
    /// 130 ms → see docs/benchmarks.md). Off unless the connection string sets options of its own. Its sessions are named
    /// <c>executionlayer-{name}</c> unless the connection string names them.
    /// </summary>
    public static NpgsqlDataSource Build(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options)) builder.ConnectionStringBuilder.Options = "-c jit=off";
        // pg_stat_activity then says which service a session is (an operator's first question, and el-load's profile).
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName)) builder.ConnectionStringBuilder.ApplicationName = $"executionlayer-{name}";
        return builder.Build();
    }
}
