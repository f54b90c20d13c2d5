using Npgsql;

namespace ExecutionLayer.Store.Postgres;

public static class ServiceDataSource
{
    /// <summary>
    /// A service's connection pool. Every statement here is short; PostgreSQL's JIT compiles any plan
    /// above jit_above_cost and spends 100+ ms doing so (measured on the metrics queries at 20k actions:
    /// 130 ms → see docs/benchmarks.md). Off unless the connection string sets options of its own.
    /// </summary>
    public static NpgsqlDataSource Build(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options)) builder.ConnectionStringBuilder.Options = "-c jit=off";
        return builder.Build();
    }
}
