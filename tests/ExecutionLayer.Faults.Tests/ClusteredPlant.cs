using System.Globalization;
using ExecutionLayer.Harness;
using Npgsql;

namespace ExecutionLayer.Faults.Tests;

/// <summary>
/// The plant on the production topology in small: three clustered RabbitMQ nodes (every queue a quorum queue on all three)
/// and a PostgreSQL primary whose every commit waits for its standby. The faults here are the engines' own failovers.
/// </summary>
public sealed class ClusteredPlant : FaultyPlant
{
    protected override bool Clustered => true;

    /// <summary>The queues as they stood once the system had started, before any fault.</summary>
    public IReadOnlyList<QueueDetail> QueuesAtStart { get; private set; } = [];

    /// <summary>The primary's standbys and how each is replicated to (pg_stat_replication), before any fault.</summary>
    public IReadOnlyList<(string Name, string SyncState)> StandbysAtStart { get; private set; } = [];

    protected override async Task StartedAsync()
    {
        QueuesAtStart = await QueueDetailsAsync();
        await using var connection = new NpgsqlConnection(System.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT application_name, sync_state FROM pg_stat_replication", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var standbys = new List<(string, string)>();
        while (await reader.ReadAsync()) standbys.Add((reader.GetString(0), reader.GetString(1)));
        StandbysAtStart = standbys;
    }

    /// <summary>A node's index (0, 1, 2) from its name (el-{amqp port}@localhost).</summary>
    public int NodeIndex(string nodeName)
    {
        var port = int.Parse(nodeName["el-".Length..nodeName.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        return Servers.RabbitNodePorts().ToList().IndexOf(port);
    }

    public string NodeName(int index) => $"el-{Servers.RabbitNodePorts()[index]}@localhost";
}

[CollectionDefinition(Name)]
public sealed class ClusterFaultsCollection : ICollectionFixture<ClusteredPlant>
{
    public const string Name = "cluster faults";
}
