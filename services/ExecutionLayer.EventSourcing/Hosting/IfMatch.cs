using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ExecutionLayer.EventSourcing.Hosting;

/// <summary>
/// The expected version of a command comes from If-Match (the ETag a client read); responses carry the
/// new version as ETag. Without If-Match the command still never overwrites blindly: it is decided on
/// the version it loaded and conflicts if another write lands in between.
/// </summary>
public static class IfMatch
{
    public static ExpectedVersion ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*") return EventSourcing.ExpectedVersion.Any;
        if (!EntityTagHeaderValue.TryParse(header, out var tag)
            || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw new BadHttpRequestException($"If-Match must be one version ETag such as \"3\"; got {header}.", StatusCodes.Status400BadRequest);
        return EventSourcing.ExpectedVersion.Exactly(version);
    }

    public static void SetETag(HttpResponse response, long version) =>
        response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}
