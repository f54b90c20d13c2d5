using Microsoft.Playwright;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>
/// The browser the page tests drive: Debian's chromium where infra/test.sh installs it (Playwright is never asked to download one),
/// and where their screenshots are kept (under the data directory, as test artefacts).
/// </summary>
internal static class InChromium
{
    private const string Executable = "/usr/bin/chromium";

    /// <remarks>
    /// As root (CI) chromium's sandbox cannot start — the pages are our own; the network flags keep it from calling out of a closed
    /// machine at every start.
    /// </remarks>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    public static string Screenshot(string name)
    {
        var folder = Path.Combine(Environment.GetEnvironmentVariable("EL_DATA_DIR") is { Length: > 0 } data ? data : AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
