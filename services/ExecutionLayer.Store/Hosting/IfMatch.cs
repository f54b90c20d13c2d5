using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ExecutionLayer.Store.Hosting;

/// <summary>
/// The expected version of a command comes from If-Match (the ETag a client read: the stream's version);
/// responses carry the new version as ETag. Without If-Match the command is decided on the version it
/// finds, under the stream's turn, so it still never overwrites a write it did not see.
/// </summary>
public static class IfMatch
{
    /// <summary>Versions beyond 2^53 − 1 cannot round-trip through JSON or an If-Match header exactly.</summary>
    public const long MaxVersion = (1L << 53) - 1;

    /// <returns>The version the caller read, or null when it named none (or "*").</returns>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return null;
        if (!EntityTagHeaderValue.TryParse(header, out var tag)
            || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version > MaxVersion)
            throw new BadHttpRequestException($"If-Match must be one version ETag such as \"3\"; got {header}.", StatusCodes.Status400BadRequest);
        return version;
    }

    public static void SetETag(HttpResponse response, long version) =>
        response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
