using Microsoft.AspNetCore.Http;

namespace ExecutionLayer.ServiceDefaults.Correlation;

public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";
    internal const string ItemKey = "ExecutionLayer.CorrelationId";
    private const int MaxLength = 128;

    /// <summary>The request's correlation id (set by the middleware for every request).</summary>
    public static string GetCorrelationId(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : context.TraceIdentifier;

    /// <summary>A caller's id is kept only if it is short printable ASCII: it lands in logs and the ledger.</summary>
    internal static string? TryAccept(string? candidate)
    {
        if (string.IsNullOrWhiteSpace(candidate) || candidate.Length > MaxLength) return null;
        foreach (var c in candidate)
            if (c is < '!' or > '~') return null;
        return candidate;
    }
}
