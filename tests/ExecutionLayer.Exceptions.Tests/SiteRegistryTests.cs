using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ExecutionLayer.Contracts.Sites;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>The site registry through the real service: adding a plant is one call, published for every other service.</summary>
public sealed class SiteRegistryTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>, IAsyncLifetime
{
    private BusProbe _services = null!;

    public async Task InitializeAsync() => _services = await new BusProbe(app.Bus).Listen<SitePublished>().StartAsync();

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static object Machine(string id, string site) =>
        PlantDay.Event(id, "mes-cnc", "MachineStateChanged", "work-center/CNC-1", PlantDay.Monday, new { workCenter = "CNC-1", state = "running" }, site: site);

    private async Task<JsonElement> PutAsync(string code, object body, HttpStatusCode expected, HttpClient? client = null)
    {
        var response = await (client ?? app.Client).PutAsJsonAsync($"/sites/{code}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task An_admin_adds_a_plant_with_one_call_and_the_intake_takes_its_events_at_once()
    {
        var before = await app.Client.PostAsJsonAsync("/events", new[] { Machine("albany-before", "GA-ALBANY") });
        var refusal = (await before.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("problem");
        Assert.Equal("Unknown site", refusal.GetProperty("title").GetString());
        Assert.Contains("PUT /api/sites/GA-ALBANY", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var put = await PutAsync("GA-ALBANY", new { name = "Albany, Georgia", timeZone = "America/New_York" }, HttpStatusCode.Created);
        Assert.True(put.GetProperty("changed").GetBoolean());
        Assert.Equal(("USD", 1), (put.GetProperty("site").GetProperty("currency").GetString(), put.GetProperty("site").GetProperty("version").GetInt64()));

        var after = await app.PostEventsAsync(Machine("albany-after", "GA-ALBANY"));
        Assert.Equal(1, after.GetProperty("accepted").GetInt32());
        var site = await app.Client.GetFromJsonAsync<JsonElement>("/sites/GA-ALBANY");
        Assert.Equal("America/New_York", site.GetProperty("timeZone").GetString());
        Assert.Contains("GA-ALBANY", (await app.Client.GetFromJsonAsync<JsonElement>("/sites")).EnumerateArray().Select(s => s.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task The_registry_publishes_each_state_of_a_site_for_every_other_service()
    {
        await PutAsync("AL-HUNTSVILLE", new { name = "Huntsville, Alabama", timeZone = "America/Chicago" }, HttpStatusCode.Created);
        var again = await PutAsync("AL-HUNTSVILLE", new { name = "Huntsville, Alabama", timeZone = "America/Chicago" }, HttpStatusCode.OK);
        Assert.False(again.GetProperty("changed").GetBoolean());
        var moved = await PutAsync("AL-HUNTSVILLE", new { name = "Huntsville, Alabama", timeZone = "America/New_York", currency = "usd" }, HttpStatusCode.OK);
        Assert.Equal(2, moved.GetProperty("site").GetProperty("version").GetInt64());

        var second = await _services.WaitForAsync<SitePublished>(s => s is { Code: "AL-HUNTSVILLE", Version: 2 }, "the changed site published");
        Assert.Equal("America/New_York", second.TimeZone);
        Assert.Contains(_services.Received<SitePublished>(), s => s is { Code: "AL-HUNTSVILLE", Version: 1, TimeZone: "America/Chicago" });
        Assert.Equal(2, _services.Received<SitePublished>().Count(s => s.Code == "AL-HUNTSVILLE"));
    }

    [Fact]
    public async Task A_service_asking_for_the_registry_gets_every_site_again()
    {
        await _services.PublishAsync(new SiteRegistryRequested("actions", DateTimeOffset.UtcNow));
        foreach (var code in new[] { "OH-DAYTON", "TN-SMYRNA", "MI-FLINT" })
            await _services.WaitForAsync<SitePublished>(s => s.Code == code, $"the seeded {code} published again");
        Assert.Equal("America/Chicago", _services.Received<SitePublished>().First(s => s.Code == "TN-SMYRNA").TimeZone);
    }

    [Fact]
    public async Task Only_an_admin_registers_or_changes_a_site_and_a_bad_description_names_its_field()
    {
        using var reader = app.WithScopes("exceptions:read");
        await PutAsync("GA-SAVANNAH", new { name = "Savannah", timeZone = "America/New_York" }, HttpStatusCode.Forbidden, reader);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/sites/GA-SAVANNAH")).StatusCode);

        var problem = await PutAsync("GA-SAVANNAH", new { name = "Savannah", timeZone = "EST" }, HttpStatusCode.BadRequest);
        Assert.Equal(["timeZone"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        var lower = await PutAsync("ga-savannah", new { name = "Savannah", timeZone = "America/New_York" }, HttpStatusCode.BadRequest);
        Assert.Equal(["code"], lower.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }
}
