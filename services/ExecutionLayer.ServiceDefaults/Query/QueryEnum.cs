namespace ExecutionLayer.ServiceDefaults.Query;

/// <summary>
/// A query-string filter naming an enum value as the API writes it ("responding", "Responding"): by name,
/// case-insensitive. Numbers and comma-joined names parse as enums in .NET but are not names, so they fail.
/// </summary>
public static class QueryEnum
{
    public static bool TryParse<T>(string value, out T parsed) where T : struct, Enum =>
        Enum.TryParse(value, ignoreCase: true, out parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _);
}
