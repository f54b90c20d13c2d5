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
    public static async Task<ScriptRun> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Build.Root, "infra", script));
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
            throw new TimeoutException($"infra/{script} {string.Join(' ', arguments)} did not finish in {timeout ?? TimeSpan.FromMinutes(3)}.");
        }
        return new ScriptRun(process.ExitCode, await output, await errors);
    }
}
