using Npgsql;

namespace ExecutionLayer.Audit.Ledger;

/// <summary>
/// Creates the ledger as the owning role (ConnectionStrings:Postgres) before anything else starts, and
/// grants the service's own role (the user of ConnectionStrings:AuditLedger) INSERT and SELECT only.
/// Where that role does not exist yet — a fresh development or test server — it is created with the
/// password from its connection string; a production DBA creates it beforehand and nothing changes it.
/// </summary>
internal sealed class LedgerMigrationHost(LedgerConnections connections, ILogger<LedgerMigrationHost> logger) : IHostedLifecycleService
{
    private const long MigrationLock = 0x41_55_44_49_54_4D; // "AUDITM"

    public async Task StartingAsync(CancellationToken ct)
    {
        var append = new NpgsqlConnectionStringBuilder(connections.AppendConnectionString);
        var role = append.Username ?? throw new InvalidOperationException("ConnectionStrings:AuditLedger names no user.");
        if (role.Contains('"')) throw new InvalidOperationException($"Unusable role name '{role}'.");

        await using var connection = new NpgsqlConnection(connections.OwnerConnectionString);
        await connection.OpenAsync(ct);
        if (string.Equals(connection.UserName, role, StringComparison.Ordinal))
            throw new InvalidOperationException("ConnectionStrings:AuditLedger must use a role of its own, not the ledger's owner: the owner could alter the ledger.");

        await EnsureRoleAsync(connection, role, append.Password, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var locking = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({MigrationLock})", connection, tx)) await locking.ExecuteNonQueryAsync(ct);
        await using (var create = new NpgsqlCommand(AuditSchema.Create(role), connection, tx)) await create.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Audit ledger ready; the service appends as {Role} (INSERT/SELECT only)", role);
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string? password, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = $1", connection) { Parameters = { new() { Value = role } } };
        if ((long)(await exists.ExecuteScalarAsync(ct))! > 0) return;
        var secret = (password ?? throw new InvalidOperationException($"Role {role} does not exist and ConnectionStrings:AuditLedger has no password to create it with.")).Replace("'", "''");
        try
        {
            await using var create = new NpgsqlCommand($"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{secret}'", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance (or test) created it a moment ago.
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The two connection strings: the owner's, for migration only, and the append-only role's, for everything else.</summary>
internal sealed record LedgerConnections(string OwnerConnectionString, string AppendConnectionString)
{
    public static LedgerConnections From(IConfiguration configuration) => new(
        configuration.GetConnectionString("Postgres") ?? throw new InvalidOperationException("Connection string 'Postgres' (the ledger's owner, for migration) is not configured."),
        configuration.GetConnectionString("AuditLedger") ?? throw new InvalidOperationException(
            "Connection string 'AuditLedger' (the service's append-only role, env ConnectionStrings__AuditLedger) is not configured."));
}
