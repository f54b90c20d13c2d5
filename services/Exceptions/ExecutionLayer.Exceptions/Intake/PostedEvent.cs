using System.Text.Json;
using CloudNative.CloudEvents.Http;
using ExecutionLayer.ServiceDefaults.Input;

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

    /// <summary>
    /// A name only if it is text that can be written back (a lone surrogate cannot even be read as a string, and made the
    /// whole batch a 500): the event's problem names the field instead.
    /// </summary>
    private static string? Echoable(string? name) => name is not null && InputPolicy.Check(name, InputPolicy.FreeTextMax) is null ? name : null;

    public sealed record InJson(JsonElement Element) : PostedEvent
    {
        public override (string? Id, string? Source) Names => (Echoable(Text("id")), Echoable(Text("source")));

        private string? Text(string name)
        {
            if (Element.ValueKind != JsonValueKind.Object || !Element.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return null;
            try
            {
                return v.GetString();
            }
            catch (InvalidOperationException)
            {
                return null; // an escaped lone surrogate: no string can hold it
            }
        }
    }

    /// <param name="Attributes">Each <c>ce-</c> header by attribute name (lower case), its value still percent-encoded as sent.</param>
    /// <param name="ContentType">The request's Content-Type: the event's <c>datacontenttype</c>.</param>
    public sealed record InBinary(IReadOnlyDictionary<string, string> Attributes, string? ContentType, ReadOnlyMemory<byte> Data) : PostedEvent
    {
        public override (string? Id, string? Source) Names => (Echoable(Text("id")), Echoable(Text("source")));

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
