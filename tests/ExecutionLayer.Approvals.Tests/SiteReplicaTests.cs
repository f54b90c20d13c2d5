using System.Net;
using System.Net.Http.Json;
using ExecutionLayer.Contracts.Sites;
using ExecutionLayer.Store.Sites;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>The approvals service's copy of the site registry: a plant the registry publishes is one requests may name, in its currency.</summary>
public sealed class SiteReplicaTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private static readonly SitePublished Leipzig = new("DE-LEIPZIG", "Leipzig", "Europe/Berlin", "EUR", 1, DateTimeOffset.UnixEpoch);

    private static object Overtime(string site) => new
    {
        subject = new { type = "overtime", id = $"{site}/2026-12-12" },
        site,
        amount = 9_000m,
        reason = "Saturday shift for the launch",
        decisionContext = new { launch = "model year 2027" },
    };

    [Fact]
    public async Task A_site_the_registry_publishes_may_be_named_and_an_amount_without_a_currency_is_in_the_sites()
    {
        var before = await _app.As(Tests.Overtime.Planner).PostAsJsonAsync("/approvals", Overtime("DE-LEIPZIG"));
        Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);
        Assert.Contains("PUT /api/sites/DE-LEIPZIG", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await PlantRegistry.PublishAsync(_app.Bus, _app.Database.ConnectionString, "approvals", [Leipzig]);
        await _app.PutAsync("/directory/DE-LEIPZIG/roles/plant-manager", new { people = new[] { "lena.leipzig" } });
        var asked = await _app.PostAsync("/approvals", Overtime("DE-LEIPZIG"), HttpStatusCode.Created, Tests.Overtime.Planner);

        var state = (await _app.ApprovalAsync(asked.GetProperty("approvalId").GetGuid())).GetProperty("state");
        Assert.Equal(("EUR", 9_000m), (state.GetProperty("currency").GetString(), state.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task A_late_or_repeated_publication_never_rolls_a_site_back()
    {
        var (store, sites) = (_app.Services.GetRequiredService<ServiceStore>(), _app.Services.GetRequiredService<SiteCatalog>());
        async Task<int> KeepAsync(SiteEntry site)
        {
            await using var tx = await store.BeginAsync(CancellationToken.None);
            var changed = await sites.KeepAsync(tx.Transaction, site, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            sites.Forget();
            return changed;
        }

        Assert.Equal(1, await KeepAsync(new SiteEntry("PL-WROCLAW", "Wrocław", "Europe/Warsaw", "PLN", 2, DateTimeOffset.UnixEpoch)));
        Assert.Equal(0, await KeepAsync(new SiteEntry("PL-WROCLAW", "Wroclaw (old)", "UTC", "EUR", 1, DateTimeOffset.UnixEpoch)));
        Assert.Equal(0, await KeepAsync(new SiteEntry("PL-WROCLAW", "Wrocław", "Europe/Warsaw", "PLN", 2, DateTimeOffset.UnixEpoch)));
        Assert.Equal(("Europe/Warsaw", "PLN", 2L), await sites.FindAsync("PL-WROCLAW", CancellationToken.None) is { } s ? (s.TimeZone, s.Currency, s.Version) : default);
    }
}
