using System.Text.Json;
using CloudNative.CloudEvents.Http;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>
/// One event as it was posted, before anything is judged: a JSON object in the CloudEvents JSON format
/// (structured or batched mode), or a binary-mode event — its <c>ce-*</c> headers and its body.
/// </summary>
public abstract record PostedEvent
{
    private PostedEvent()
    {
    }

    /// <summary>The event's id and source as sent, to name it in the answer even when it is refused.</summary>
    public abstract (string? Id, string? Source) Names { get; }

    public sealed record InJson(JsonElement Element) : PostedEvent
    {
        public override (string? Id, string? Source) Names => (Text("id"), Text("source"));

        private string? Text(string name) =>
            Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <param name="Attributes">Each <c>ce-</c> header by attribute name (lower case), its value still percent-encoded as sent.</param>
    /// <param name="ContentType">The request's Content-Type: the event's <c>datacontenttype</c>.</param>
    public sealed record InBinary(IReadOnlyDictionary<string, string> Attributes, string? ContentType, ReadOnlyMemory<byte> Data) : PostedEvent
    {
        public override (string? Id, string? Source) Names => (Text("id"), Text("source"));

        private string? Text(string name)
        {
            if (!Attributes.TryGetValue(name, out var raw)) return null;
            try
            {
                return HttpUtilities.DecodeHeaderValue(raw);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }
}
