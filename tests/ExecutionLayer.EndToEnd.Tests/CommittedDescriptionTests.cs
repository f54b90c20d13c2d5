using System.Text.Json.Nodes;
using ExecutionLayer.Harness;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The client the demo and the load driver are built with is generated from tools/ExecutionLayer.Client/openapi.json
/// at build time; this holds that file to what the gateway serves with every service up (in development, as
/// infra/run.sh starts it: the movable clocks included). A route or schema changed without the file fails here;
/// the file changed breaks the build wherever a caller no longer fits.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class CommittedDescriptionTests(PlantDayRun run)
{
    [Fact]
    public async Task The_description_the_client_is_generated_from_is_the_one_the_gateway_serves()
    {
        var served = JsonNode.Parse(await run.Cast.DecisionLinks.DescriptionAsync())!.AsObject();
        Assert.Empty(served["x-unavailable"]!.AsArray());
        served.Remove("x-unavailable");
        var file = Path.Combine(Build.Root, "tools", "ExecutionLayer.Client", "openapi.json");
        var committed = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file)) : null;
        if (JsonNode.DeepEquals(committed, served)) return;

        // Beside it, as snapshot tests do: look at the difference, and move it over openapi.json if it is what you meant.
        var received = Path.ChangeExtension(file, ".received.json");
        await File.WriteAllTextAsync(received, served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        Assert.Fail($"The gateway serves another description than {file}: the served one is in {received}. " +
            "If the change is meant, move it over openapi.json and rebuild (the client is regenerated; callers that no longer fit stop compiling).");
    }
}
