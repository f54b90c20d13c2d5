namespace ExecutionLayer.Demo.Narration;

/// <summary>Tells what the system did, step by step: on a console for a person, into test output for a test.</summary>
public interface INarrator
{
    /// <summary>A new step of the day, at the plant's time.</summary>
    void Step(DateTimeOffset at, string headline);

    /// <summary>One thing the system did or answered in this step.</summary>
    void Fact(string text);

    void Table(string[] headers, IEnumerable<string[]> rows);

    /// <summary>A step that takes a while (waiting for the services to react), shown as progress.</summary>
    Task<T> WhileAsync<T>(string what, Func<Task<T>> work);
}
