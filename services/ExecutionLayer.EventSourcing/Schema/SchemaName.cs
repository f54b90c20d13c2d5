using System.Text.RegularExpressions;

namespace ExecutionLayer.EventSourcing.Schema;

/// <summary>A service's PostgreSQL schema. Validated once because it is spliced into SQL text.</summary>
public sealed partial record SchemaName
{
    public SchemaName(string value)
    {
        if (!Pattern().IsMatch(value))
            throw new ArgumentException($"Schema name '{value}' must be lower-case letters, digits and '_', starting with a letter, at most 63 characters.", nameof(value));
        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
