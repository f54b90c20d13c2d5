namespace ExecutionLayer.Exceptions.Graph;

/// <summary>
/// A run of facts as the columns of one set-based statement (<c>unnest($1::text[], …)</c>): one array per column, and rounds
/// that keep a row's several facts in successive statements, so an upsert's guard sees what the fact before left.
/// </summary>
internal static class Columnar
{
    /// <summary>The rows in rounds: each round has at most one row per key, and a key's rows go in successive rounds in the order given.</summary>
    public static List<List<T>> Rounds<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key) where TKey : notnull
    {
        var taken = new Dictionary<TKey, int>();
        var rounds = new List<List<T>>();
        foreach (var row in rows)
        {
            var k = key(row);
            var round = taken.TryGetValue(k, out var last) ? last + 1 : 0;
            taken[k] = round;
            if (round == rounds.Count) rounds.Add([]);
            rounds[round].Add(row);
        }
        return rounds;
    }

    public static TValue[] Col<T, TValue>(IEnumerable<T> rows, Func<T, TValue> value) => [.. rows.Select(value)];

    /// <summary>Instants as a timestamptz[] takes them: in UTC.</summary>
    public static DateTime[] Times<T>(IEnumerable<T> rows, Func<T, DateTimeOffset> at) => [.. rows.Select(r => at(r).UtcDateTime)];
}
