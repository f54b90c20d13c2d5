using System.Collections.Concurrent;
using ExecutionLayer.Demo.Narration;

namespace ExecutionLayer.EndToEnd.Tests;

/// <summary>Keeps what the demo would have printed, so a failing step shows the day up to where it stopped.</summary>
public sealed class RecordingNarrator : INarrator
{
    private readonly ConcurrentQueue<string> _lines = new();

    public override string ToString() => string.Join('\n', _lines);

    public void Step(DateTimeOffset at, string headline) => _lines.Enqueue($"{at:ddd HH:mm}  {headline}");

    public void Fact(string text) => _lines.Enqueue($"        {text}");

    public void Table(string[] headers, IEnumerable<string[]> rows)
    {
        _lines.Enqueue($"        | {string.Join(" | ", headers)} |");
        foreach (var row in rows) _lines.Enqueue($"        | {string.Join(" | ", row)} |");
    }

    public Task<T> WhileAsync<T>(string what, Func<Task<T>> work)
    {
        _lines.Enqueue($"        ({what})");
        return work();
    }
}
