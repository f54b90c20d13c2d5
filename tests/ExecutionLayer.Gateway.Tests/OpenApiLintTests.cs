using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>
/// The merged description, as the gateway serves it with every service up, held to the ruleset committed
/// in tools/openapi/redocly.yaml by a linter nobody here wrote (@redocly/cli, installed by infra/test.sh).
/// </summary>
[Collection(FrontDoorCollection.Name)]
public sealed class OpenApiLintTests(FrontDoor door, ITestOutputHelper output)
{
    [Fact]
    public async Task The_merged_description_passes_redocly_lint_with_the_committed_ruleset_at_zero_errors_and_warnings()
    {
        using var anyone = door.Client();
        var document = await (await anyone.GetAsync("/openapi.json")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, document.GetProperty("x-unavailable").GetArrayLength());
        var file = Path.Combine(Path.GetTempPath(), $"executionlayer-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(document));
        try
        {
            var (exit, text) = await LintAsync(file);
            output.WriteLine(text);
            Assert.True(exit == 0, text);
            Assert.Contains("Your API description is valid", text);
            // Each problem is shown where it is, then counted ("You have 2 warnings."); a banner about Node.js is not the document's.
            Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex(@"You have \d+ warnings?"), text);
        }
        finally { File.Delete(file); }
    }

    private static async Task<(int Exit, string Output)> LintAsync(string file)
    {
        var tools = Path.Combine(Root(), "tools", "openapi");
        var cli = Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.True(File.Exists(cli), $"No {cli}: run npm ci --prefix tools/openapi (infra/test.sh does).");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = tools };
        foreach (var arg in new[] { cli, "lint", file, "--config", Path.Combine(tools, "redocly.yaml") }) start.ArgumentList.Add(arg);
        // The CLI would otherwise ask the network about telemetry and new versions.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var lint = Process.Start(start)!;
        var stdout = lint.StandardOutput.ReadToEndAsync();
        var stderr = lint.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await lint.WaitForExitAsync(patience.Token);
        return (lint.ExitCode, await stdout + await stderr);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionLayer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No ExecutionLayer.sln above {AppContext.BaseDirectory}.");
    }
}
