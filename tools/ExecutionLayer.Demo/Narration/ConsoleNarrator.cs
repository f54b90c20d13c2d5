using Spectre.Console;

namespace ExecutionLayer.Demo.Narration;

/// <summary>The demo's output: one headed step per event of the day, its facts beneath, a spinner while the services work.</summary>
public sealed class ConsoleNarrator(IAnsiConsole console) : INarrator
{
    public void Step(DateTimeOffset at, string headline)
    {
        console.WriteLine();
        console.MarkupLine($"[bold yellow]{at:ddd HH:mm}[/]  [bold]{Markup.Escape(headline)}[/]");
    }

    public void Fact(string text) => console.MarkupLine($"        {Markup.Escape(text)}");

    public void Table(string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)));
        foreach (var row in rows) table.AddRow([.. row.Select(Markup.Escape)]);
        console.Write(new Padder(table, new Padding(8, 0, 0, 0)));
    }

    public async Task<T> WhileAsync<T>(string what, Func<Task<T>> work)
    {
        var started = DateTimeOffset.UtcNow;
        var result = await console.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(what), _ => work());
        console.MarkupLine($"        [grey]{Markup.Escape(what)}: {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s[/]");
        return result;
    }
}
