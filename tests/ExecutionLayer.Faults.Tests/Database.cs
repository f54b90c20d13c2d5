using ExecutionLayer.Testing;
using Npgsql;

namespace ExecutionLayer.Faults.Tests;

/// <summary>Reads of the system's own database, as an operator checks it.</summary>
public static class Database
{
    public static async Task<long> ScalarAsync(RunningSystem system, string sql)
    {
        await using var connection = new NpgsqlConnection(system.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How far a service's outbox lags its store: events stored, not yet confirmed by the broker.</summary>
    public static async Task<long> UnpublishedAsync(RunningSystem system, string service) =>
        await ScalarAsync(system, $"SELECT count(*) FROM {ServiceEvents.Table(service)}") - await ScalarAsync(system, ServiceEvents.PublishedSql(service));
}
