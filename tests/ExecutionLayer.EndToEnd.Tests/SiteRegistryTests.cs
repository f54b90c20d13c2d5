using System.Net;
using ExecutionLayer.Client.Models;
using ExecutionLayer.Demo.Plant;
using Microsoft.Kiota.Abstractions;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// A new plant through the gateway, as an operator adds one: one admin call to the registry, and then the
/// intake, the approvals directory and the actions service all take the site — each from what the
/// registry published, none configured by hand.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class SiteRegistryTests(PlantDayRun run)
{
    private const string Albany = "GA-ALBANY";

    private static OperationalEvent Running(string id, DateTimeOffset at, string site = Albany) => OperationalEvent.Of(
        new MachineStateChangedEvent { Data = new() { WorkCenter = "PRESS-1", State = MachineStateChanged_state.Running } }, id, "mes-albany", site, "work-center/PRESS-1", at);

    private Task<ActionView?> CreateActionAsync() => run.Cast.Admin.Api.Actions.PostAsync(new CreateActionBody
    {
        Title = "Commission press line 1", Owner = "alex.albany", Site = Albany, Due = DateTimeOffset.UtcNow.AddDays(30),
    });

    private Task<RoleHoldersPut?> NamePlantManagerAsync() => run.Cast.Admin.Api.Directory[Albany].Roles["plant-manager"].PutAsync(new SetRoleHolders { People = ["alex.albany"] });

    [Fact]
    public async Task A_new_plant_is_one_admin_call_and_then_every_service_takes_it()
    {
        var at = (await run.Cast.Admin.Api.Dev.Exceptions.Clock.GetAsync())!.Now!.Value;
        // Beside an event of a known plant, so the batch is taken and the refused one explained in its results.
        var refused = (await run.Cast.Erp.Api.Events.PostAsync([Running("albany-before", at), Running("albany-dayton-press", at, Cast.Site)]))!.Results![0].Problem!;
        Assert.Equal("Unknown site", refused.Title);
        Assert.Contains($"PUT /api/sites/{Albany}", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (HttpStatusCode)(await Assert.ThrowsAsync<HttpValidationProblemDetails>(CreateActionAsync)).ResponseStatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (HttpStatusCode)(await Assert.ThrowsAsync<HttpValidationProblemDetails>(NamePlantManagerAsync)).ResponseStatusCode);
        // Only an admin adds a plant.
        var notAdmin = await Assert.ThrowsAsync<ProblemDetails>(() => run.Cast.Erp.Api.Sites[Albany].PutAsync(new SiteBody { Name = "Albany", TimeZone = "America/New_York" }));
        Assert.Equal(HttpStatusCode.Forbidden, (HttpStatusCode)notAdmin.ResponseStatusCode);

        var put = (await run.Cast.Admin.Api.Sites[Albany].PutAsync(new SiteBody { Name = "Albany, Georgia", TimeZone = "America/New_York" }))!;
        Assert.Equal((true, "USD", 1L), (put.Changed, put.Site!.Currency, put.Site.Version));

        Assert.Equal(1, (await run.Cast.Erp.Api.Events.PostAsync([Running("albany-after", at)]))!.Accepted);
        // The other services learn it from the registry's publication, within moments.
        var action = await Waiting.UntilAsync("the actions service to take an action at the new plant", () => SucceedsAsync(CreateActionAsync), CancellationToken.None);
        Assert.Equal(Albany, action.State!.Site);
        var holders = await Waiting.UntilAsync("the approvals directory to take the new plant's plant manager", () => SucceedsAsync(NamePlantManagerAsync), CancellationToken.None);
        Assert.Equal(["alex.albany"], holders.People);
        Assert.Contains((await run.Cast.Erp.Api.Sites.GetAsync())!, s => s is { Code: Albany, TimeZone: "America/New_York" });
    }

    /// <summary>The answer, or null while the service still refuses the site as unknown.</summary>
    private static async Task<T?> SucceedsAsync<T>(Func<Task<T?>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (HttpValidationProblemDetails refused) when (refused.Errors?.AdditionalData.ContainsKey("site") == true)
        {
            return null;
        }
    }
}
