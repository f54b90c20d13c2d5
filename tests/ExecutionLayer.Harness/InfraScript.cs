using System.Diagnostics;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Harness;

/// <summary>What one of infra/'s scripts said and how it ended.</summary>
public sealed record ScriptRun(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Errors}";
}

/// <summary>Runs infra/'s scripts as a developer would, with the environment a test gives them on top of its own.</summary>
public static class InfraScript
{
    public static Task<ScriptRun> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null) => BashAsync([Path.Combine(Build.Root, "infra", script), .. arguments], environment, timeout);

    /// <summary>Commands as a shell at the repository root runs them (bash -c, failing on the first error).</summary>
    public static Task<ScriptRun> CommandsAsync(string commands, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        BashAsync(["-euo", "pipefail", "-c", commands], environment, timeout);

    private static async Task<ScriptRun> BashAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan? timeout)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Build.Root };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bash {string.Join(' ', arguments)} did not finish in {timeout ?? TimeSpan.FromMinutes(3)}.");
        }
        return new ScriptRun(process.ExitCode, await output, await errors);
    }
}
