using System.Text.RegularExpressions;
using ExecutionLayer.Store.Decisions;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.Store.Postgres;
using Npgsql;

namespace ExecutionLayer.Approvals.Policies;

public sealed record PolicyPublished(string PolicyId, int Version, bool Changed);

public sealed record PolicyVersionInfo(int Version, string PublishedBy, DateTimeOffset PublishedAt);

public sealed record PolicyView(string PolicyId, int Version, bool Retired, PolicyDefinition Definition, IReadOnlyList<PolicyVersionInfo> Versions);

public static partial class PoliciesEndpoints
{
    public static IEndpointRouteBuilder MapPolicies(this IEndpointRouteBuilder app)
    {
        // PUT creates the next version; the same definition again creates nothing (a retried PUT is harmless).
        app.MapPut("/policies/{policyId}", async (string policyId, PolicyDefinition definition, HttpContext http, Caller caller, ServiceStore store, ApprovalsOptions options,
            CancellationToken ct) =>
        {
            if (!Id().IsMatch(policyId))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["policyId"] = ["Lower-case letters, digits and '-', at most 63."] });
            var errors = definition.Validate(options.Sites);
            if (errors.Count > 0) return Results.ValidationProblem(errors, title: "Invalid policy");

            var by = caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            var written = await tx.DecideAsync(Policy.StreamId(policyId), null,
                (Policy s) => Policy.Publish(s, policyId, definition, by, store.Clock.GetUtcNow()),
                _ => Provenance.Of(caller, http.GetCorrelationId(), definition.Site), ct);
            await IndexAsync(tx.Transaction, store, written.State, ct);
            await tx.CommitAsync(ct);
            return Results.Ok(new PolicyPublished(policyId, written.State.Version, written.Events.Count > 0));
        });

        app.MapDelete("/policies/{policyId}", async (string policyId, HttpContext http, Caller caller, ServiceStore store, CancellationToken ct) =>
        {
            var by = caller.Actor;
            await using var tx = await store.BeginAsync(ct);
            if (await Sql.ScalarAsync<string>(tx.Transaction, $"SELECT policy_id FROM {store.Schema}.policy_index WHERE policy_id = $1", ct, policyId) is null)
                return Results.Problem(statusCode: 404, title: "Not found", detail: $"No policy {policyId}.");
            var written = await tx.DecideAsync(Policy.StreamId(policyId), null, (Policy s) => Policy.Retire(s, by, store.Clock.GetUtcNow()),
                s => Provenance.Of(caller, http.GetCorrelationId(), s.Definition?.Site), ct);
            await IndexAsync(tx.Transaction, store, written.State, ct);
            await tx.CommitAsync(ct);
            return Results.NoContent();
        });

        app.MapGet("/policies", async (ServiceStore store, CancellationToken ct) =>
        {
            await using var command = store.DataSource.CreateCommand($"SELECT policy_id, version, retired, definition::text FROM {store.Schema}.policy_index ORDER BY policy_id");
            var list = new List<object>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                list.Add(new { policyId = reader.GetString(0), version = reader.GetInt32(1), retired = reader.GetBoolean(2), definition = PolicyJson.Read(reader.GetString(3)) });
            return Results.Ok(list);
        });

        app.MapGet("/policies/{policyId}", async (string policyId, int? version, ServiceStore store, CancellationToken ct) =>
        {
            var events = await store.ReadStreamAsync(Policy.StreamId(policyId), null, null, ct);
            var published = events.Select(e => e.Data).OfType<Policy.Event.VersionPublished>().ToList();
            if (published.Count == 0) return Results.Problem(statusCode: 404, title: "Not found", detail: $"No policy {policyId}.");
            var shown = version is null ? published[^1] : published.FirstOrDefault(p => p.Version == version);
            if (shown is null) return Results.Problem(statusCode: 404, title: "Not found", detail: $"Policy {policyId} has no version {version}.");
            var state = Loaded<Policy>.Of(events).State;
            return Results.Ok(new PolicyView(policyId, shown.Version, state.Retired && version is null, shown.Definition,
                [.. published.Select(p => new PolicyVersionInfo(p.Version, p.PublishedBy, p.PublishedAt))]));
        });
        return app;
    }

    private static Task IndexAsync(NpgsqlTransaction tx, ServiceStore store, Policy state, CancellationToken ct) => Sql.ExecAsync(tx, $"""
        INSERT INTO {store.Schema}.policy_index (policy_id, version, site, definition, retired, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, now())
        ON CONFLICT (policy_id) DO UPDATE SET version = EXCLUDED.version, site = EXCLUDED.site, definition = EXCLUDED.definition,
            retired = EXCLUDED.retired, updated_at = now()
        """, ct, state.Id, state.Version, state.Definition!.Site, PolicyJson.Of(state.Definition), state.Retired);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Id();
}
