using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Audit.Reading;
using ExecutionLayer.ServiceDefaults.Addresses;
using ExecutionLayer.ServiceDefaults.Correlation;
using ExecutionLayer.ServiceDefaults.Identity;
using ExecutionLayer.ServiceDefaults.OpenApi;
using ExecutionLayer.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ExecutionLayer.Audit.PointInTime;

/// <summary>What the owning service answered: its rebuild of the state (<see cref="History"/>), or why there is none.</summary>
internal sealed record OwnerState(bool Available, int? Status, string? Error, JsonElement? History);

internal sealed record StateAsOf(string Kind, Guid Id, DateTimeOffset AsOf, OwnerState OwningService, IReadOnlyList<EntryView> Ledger);

/// <summary>
/// The state of an approval, action or exception case as of T, as its owning service rebuilds it from
/// its own store (<c>GET …/{id}/history?asOf=T</c>), beside the ledger's entries for it up to T — two
/// independent records an auditor can hold against each other.
/// </summary>
internal static class PointInTimeApi
{
    public const string HttpClientName = "owning-services";

    /// <summary>Each kind's owning service (its name in <see cref="ServiceAddresses"/>), the path it serves history under, and its stream prefix.</summary>
    private static readonly Dictionary<string, (string Service, string Path, string Stream)> Kinds = new(StringComparer.Ordinal)
    {
        ["approval"] = ("approvals", "approvals", "approval"),
        ["action"] = ("actions", "actions", "action"),
        ["case"] = ("exceptions", "exceptions", "case"),
    };

    public static IEndpointRouteBuilder MapPointInTimeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/state/{kind}/{id:guid}", GetStateAsync).WithTags("Audit")
            .Describe("GetStateAsOf", "An approval, action or case as of a moment: its owner's rebuild beside the ledger's entries")
            .Problems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <param name="kind">approval, action or case.</param>
    /// <param name="asOf">The moment; now when left out.</param>
    public static async Task<Results<Ok<StateAsOf>, ProblemHttpResult>> GetStateAsync(
        string kind, Guid id, DateTimeOffset? asOf, HttpContext http, Caller caller, NpgsqlDataSource db, IHttpClientFactory clients, ServiceAddresses addresses,
        TimeProvider clock, GatewayTrust trust, CancellationToken ct)
    {
        if (!Kinds.TryGetValue(kind, out var owner))
            return Problem.Of(StatusCodes.Status404NotFound, "Unknown kind", $"Point-in-time state exists for {string.Join(", ", Kinds.Keys)}; not '{kind}'.");
        var at = asOf ?? clock.GetUtcNow();

        var rows = (await LedgerRows.QueryAsync(db, "WHERE stream_id = $1 AND source_recorded_at <= $2 ORDER BY sequence", ct,
            new NpgsqlParameter { Value = $"{owner.Stream}-{id}" }, new NpgsqlParameter { Value = at.UtcDateTime })).Where(r => r.VisibleTo(caller)).ToList();
        var state = await OwnerStateAsync(clients, addresses, owner.Service, $"/{owner.Path}/{id}/history?asOf={Uri.EscapeDataString(at.ToString("O"))}",
            http.GetCorrelationId(), caller, trust, ct);
        if (rows.Count == 0 && state.Status == 404)
            return Problem.NotFound($"No {kind} {id} existed at {at:O}, by the ledger or by its owning service.");
        return TypedResults.Ok(new StateAsOf(kind, id, at, new OwnerState(state.Body is not null, state.Status, state.Error, state.Body),
            [.. rows.Select(r => EntryView.Of(r))]));
    }

    private static async Task<(int? Status, JsonElement? Body, string? Error)> OwnerStateAsync(
        IHttpClientFactory clients, ServiceAddresses addresses, string service, string path, string correlationId, Caller caller, GatewayTrust trust, CancellationToken ct)
    {
        if (!addresses.Has(service)) return (null, null, $"Where the {service} service listens is not configured ({ServiceAddresses.Setting(service)}).");
        var baseUrl = addresses.First(service);
        try
        {
            // The owning service sees the auditor's own identity and sites, so it filters as it would for them.
            using var request = trust.SignedGet(new Uri(baseUrl, path), caller);
            request.Headers.Add(CorrelationId.HeaderName, correlationId);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, null, $"{baseUrl} answered {(int)response.StatusCode}.");
            return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(ct), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
        {
            return (null, null, $"{baseUrl} did not answer: {e.Message}");
        }
    }
}
