using System.Text.RegularExpressions;
using ExecutionLayer.Harness;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The README's examples marked <c>bash runnable</c>, run as a reader runs them: in order, at the checkout's
/// root, against a copy of the system started by infra/run.sh. A command the code no longer answers as the
/// README says fails here, not in a reader's shell.
/// </summary>
[Collection(SystemCopies.Name)]
public sealed partial class ReadmeExamplesTests : IAsyncLifetime
{
    /// <summary>Files the examples write where the reader stands, removed afterwards.</summary>
    private static readonly string[] Written = ["keys.json", "export.ndjson"];

    private readonly SystemCopy _copy = new(SystemCopy.FreeBase(avoid: null));

    public async Task InitializeAsync()
    {
        try
        {
            await _copy.StartAsync();
        }
        catch
        {
            await _copy.StopAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _copy.StopAsync();
        foreach (var file in Written) File.Delete(Path.Combine(Build.Root, file));
    }

    [Fact]
    public async Task Every_runnable_example_in_the_readme_runs_against_the_system()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Build.Root, "README.md"));
        var examples = Runnable().Matches(readme).Select(m => m.Groups["commands"].Value).ToList();
        // The operations, adding a plant, the offline verification, the gateway and the intake: a marker lost is noticed.
        Assert.True(examples.Count >= 5, $"Only {examples.Count} runnable example(s) found in README.md.");

        foreach (var commands in examples)
        {
            var run = await InfraScript.CommandsAsync(commands, _copy.Environment, TimeSpan.FromMinutes(3));
            Assert.True(run.ExitCode == 0, $"This README example failed:\n{commands}\n--- it said ---\n{run}");
        }
    }

    [GeneratedRegex(@"^```bash runnable\n(?<commands>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Runnable();
}
