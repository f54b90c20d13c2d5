using Npgsql;
using NpgsqlTypes;

namespace ExecutionLayer.Store.Postgres;

/// <summary>Positional-parameter helpers for a service's own statements, run in the caller's transaction.</summary>
public static class Sql
{
    public static async Task<int> ExecAsync(NpgsqlTransaction tx, string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(tx, sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<List<string>> StringsAsync(NpgsqlTransaction tx, string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(tx, sql, args);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add(reader.GetString(0));
        return values;
    }

    public static async Task<T?> ScalarAsync<T>(NpgsqlTransaction tx, string sql, CancellationToken ct, params object?[] args)
    {
        await using var command = Command(tx, sql, args);
        return await command.ExecuteScalarAsync(ct) is T value ? value : default;
    }

    /// <summary>Every row of a read outside any transaction, each mapped by <paramref name="read"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    public static NpgsqlCommand Command(NpgsqlTransaction tx, string sql, object?[] args)
    {
        var command = new NpgsqlCommand(sql, tx.Connection, tx);
        foreach (var arg in args) command.Parameters.Add(Parameter(arg));
        return command;
    }

    /// <summary>A positional argument as a typed parameter: nulls, instants, spans and string lists need their type said (or come typed).</summary>
    public static NpgsqlParameter Parameter(object? arg) => arg switch
    {
        null => Text(null),
        NpgsqlParameter typed => typed,
        DateTimeOffset at => Timestamp(at),
        TimeSpan span => new NpgsqlParameter { Value = span, NpgsqlDbType = NpgsqlDbType.Interval },
        IEnumerable<string> list when arg is not string => new NpgsqlParameter { Value = list.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        _ => new NpgsqlParameter { Value = arg },
    };

    /// <summary>A text parameter that may be null: typed, so <c>$1::text IS NULL OR …</c> filters plan without a cast error.</summary>
    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>A text[] that may be null: the site filters' "every site" is a null array.</summary>
    public static NpgsqlParameter Texts(string[]? values) => new() { Value = (object?)values ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    public static NpgsqlParameter Timestamps(IEnumerable<DateTimeOffset> at) =>
        new() { Value = at.Select(a => a.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz };

    public static NpgsqlParameter Timestamp(DateTimeOffset? at) => new() { Value = (object?)at?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    /// <summary>A timestamptz column as the UTC instant it holds.</summary>
    public static DateTimeOffset TimeAt(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal));

    public static DateTimeOffset? TimeOrNullAt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : TimeAt(reader, ordinal);
}
