using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents.Core;
using CloudNative.CloudEvents.Http;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.ServiceDefaults.Input;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// The CloudEvents HTTP binding for the intake, all three content modes: structured
/// (<c>application/cloudevents+json</c>, one event), batched (<c>application/cloudevents-batch+json</c>)
/// and binary (<c>ce-*</c> headers, the data as the body), plus a plain <c>application/json</c> body —
/// an array of events or one — as an alias of the batch. The SDK's own ASP.NET Core binding is not a
/// package this registry serves, so the request is split here with the SDK's HTTP utilities; each event
/// is then read by the SDK's formatter in <see cref="IntakeParser"/>, one at a time, so that a bad
/// event costs only itself rather than the batch the SDK's batch decoder would refuse whole.
/// </summary>
public static class CloudEventsHttp
{
    /// <summary>The events of the request, or the problem with the request as a whole; dispose it once the events are read.</summary>
    public sealed class Posted(IReadOnlyList<PostedEvent> events, JsonDocument? document, ProblemDetails? problem) : IDisposable
    {
        public IReadOnlyList<PostedEvent> Events => events;
        public ProblemDetails? Problem => problem;
        public void Dispose() => document?.Dispose();

        public static Posted Refused(int status, string title, string detail, string? rule = null)
        {
            var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
            if (rule is not null) problem.Extensions["rule"] = rule;
            return new([], null, problem);
        }
    }

    public static async Task<Posted> ReadAsync(HttpRequest request, int maxBatchSize, CancellationToken ct)
    {
        var contentType = request.ContentType;
        if (MimeUtilities.IsCloudEventsBatchContentType(contentType)) return await ReadJsonAsync(request, Mode.Batch, maxBatchSize, ct);
        if (MimeUtilities.IsCloudEventsContentType(contentType)) return await ReadJsonAsync(request, Mode.Structured, maxBatchSize, ct);
        if (request.Headers.ContainsKey(HttpUtilities.SpecVersionHttpHeader)) return await ReadBinaryAsync(request, ct);
        if (contentType is null || IsPlainJson(contentType)) return await ReadJsonAsync(request, Mode.Alias, maxBatchSize, ct);
        return Posted.Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"'{contentType}' is not a CloudEvents content mode: post application/cloudevents+json (one event), application/cloudevents-batch+json " +
            "(a batch), a binary-mode event (ce-* headers with the data as the body), or a JSON array of events as application/json.");
    }

    private enum Mode { Structured, Batch, Alias }

    private static async Task<Posted> ReadJsonAsync(HttpRequest request, Mode mode, int maxBatchSize, CancellationToken ct)
    {
        Encoding encoding;
        try
        {
            encoding = MimeUtilities.GetEncoding(MimeUtilities.CreateContentTypeOrNull(request.ContentType));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return Posted.Refused(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"'{request.ContentType}' names no charset this intake reads.");
        }
        JsonDocument document;
        try
        {
            var body = encoding is UTF8Encoding ? request.Body : Encoding.CreateTranscodingStream(request.Body, encoding, Encoding.UTF8, leaveOpen: true);
            document = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return Posted.Refused(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not JSON: {e.Message}", InputPolicy.Rules.MalformedJson);
        }

        var root = document.RootElement;
        PostedEvent[]? events = (mode, root.ValueKind) switch
        {
            (Mode.Batch or Mode.Alias, JsonValueKind.Array) => [.. root.EnumerateArray().Select(e => new PostedEvent.InJson(e))],
            (Mode.Structured or Mode.Alias, JsonValueKind.Object) => [new PostedEvent.InJson(root)],
            _ => null,
        };
        var refusal = events switch
        {
            null when mode == Mode.Structured => Posted.Refused(400, "Not one event", "application/cloudevents+json carries one event, a JSON object; post several as application/cloudevents-batch+json."),
            null when mode == Mode.Batch => Posted.Refused(400, "Not a batch", "application/cloudevents-batch+json carries a JSON array of events."),
            null => Posted.Refused(400, "Empty batch", "Post a JSON array of 1 or more events (or one event object)."),
            { Length: 0 } => Posted.Refused(400, "Empty batch", "Post a JSON array of 1 or more events (or one event object)."),
            { Length: var n } when n > maxBatchSize => Posted.Refused(413, "Batch too large", $"A batch may hold at most {maxBatchSize} events; this one has {n}. Split it."),
            _ => null,
        };
        if (refusal is not null)
        {
            document.Dispose();
            return refusal;
        }
        return new Posted(events!, document, null);
    }

    private static async Task<Posted> ReadBinaryAsync(HttpRequest request, CancellationToken ct)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in request.Headers)
            if (HttpUtilities.GetAttributeNameFromHeaderName(name) is { } attribute && values.FirstOrDefault() is { } value)
                attributes[attribute] = value;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return new Posted([new PostedEvent.InBinary(attributes, request.ContentType, buffer.ToArray())], null, null);
    }

    private static bool IsPlainJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
