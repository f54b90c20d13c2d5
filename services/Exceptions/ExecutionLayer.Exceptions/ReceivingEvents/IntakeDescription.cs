using System.Text.Json.Nodes;
using ExecutionLayer.Exceptions.Intake;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExecutionLayer.Exceptions.ReceivingEvents;

/// <summary>
/// The intake's request body as a client must send it. The body is read by the CloudEvents reader, not
/// bound, so the generator cannot see it: this says it — one event (structured mode), a batch, or a JSON
/// array — where an event is one of the fact types, each with its own <c>data</c> schema, told apart by
/// <c>type</c> (CloudEvents 1.0 attributes plus the <c>site</c> extension). Binary mode (ce-* headers) is
/// in the operation's description.
/// </summary>
internal static class IntakeDescription
{
    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document ?? throw new InvalidOperationException("The intake's description needs the document to hold its schemas.");
        var events = new List<IOpenApiSchema>();
        var mapping = new Dictionary<string, OpenApiSchemaReference>();
        foreach (var (type, fact) in FactTypes.ByName.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            document.AddComponent(fact.Name, await context.GetOrCreateSchemaAsync(fact, null, ct));
            var envelope = $"{type}Event";
            document.AddComponent(envelope, Envelope(type, new OpenApiSchemaReference(fact.Name, document)));
            events.Add(new OpenApiSchemaReference(envelope, document));
            mapping[type] = new OpenApiSchemaReference(envelope, document);
        }
        document.AddComponent("OperationalEvent", new OpenApiSchema
        {
            Description = "One ERP/MES fact as a CloudEvent: its type says which data it carries.",
            // Said here too: a validator that reads the discriminator judges only objects, and would let an array pass as one event.
            Type = JsonSchemaType.Object,
            OneOf = events,
            Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = mapping },
        });
        var one = new OpenApiSchemaReference("OperationalEvent", document);
        var batch = new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, MinItems = 1, MaxItems = 1000 };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "CloudEvents 1.0 in any HTTP content mode: one event (application/cloudevents+json), a batch of 1–1,000 " +
                "(application/cloudevents-batch+json), or a JSON array of them as application/json (which takes one event too), or binary mode (ce-specversion, ce-id, ce-source, " +
                "ce-type, ce-subject, ce-time, ce-site headers, the data as the body). Idempotent on (source, id).",
            // A plain JSON array first: what a generated client sends (one media type per operation), a batch of one included.
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = batch, Example = new JsonArray(Example()) },
                ["application/cloudevents+json"] = new() { Schema = one, Example = Example() },
                ["application/cloudevents-batch+json"] = new() { Schema = batch, Example = new JsonArray(Example(), Hold()) },
            },
        };
    }

    private static OpenApiSchema Envelope(string type, IOpenApiSchema data) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "specversion", "id", "source", "type", "subject", "site", "time", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["specversion"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = "1.0" },
            ["id"] = Text("The event's id at its source; with source, what makes a repost a duplicate."),
            ["source"] = Text("A URI-reference naming the system that saw it, e.g. urn:oh-dayton:mes:cnc."),
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = type },
            ["subject"] = Text("What the event is about, e.g. work-center/CNC-4."),
            ["site"] = Text("The plant it happened at (a CloudEvents extension attribute), e.g. OH-DAYTON."),
            ["time"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When it occurred, with an offset." },
            ["datacontenttype"] = Text("The data's media type: application/json (the default) or another +json type."),
            ["data"] = data,
        },
        // CloudEvents extension attributes (lower-case letters and digits) are taken and kept with the event; nothing reads them as who acts.
        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean, MaxLength = 4000 },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, MaxLength = 200, Description = description };

    private static JsonObject Example() => new()
    {
        ["specversion"] = "1.0", ["id"] = "cnc4-down-0905", ["source"] = "urn:oh-dayton:mes:cnc", ["type"] = "MachineStateChanged",
        ["subject"] = "work-center/CNC-4", ["site"] = "OH-DAYTON", ["time"] = "2026-11-20T09:05:00Z",
        ["data"] = new JsonObject { ["workCenter"] = "CNC-4", ["state"] = "down", ["reasonCode"] = "SPINDLE", ["reason"] = "Spindle bearing failure" },
    };

    private static JsonObject Hold() => new()
    {
        ["specversion"] = "1.0", ["id"] = "qh-7781", ["source"] = "urn:oh-dayton:qms", ["type"] = "QualityHoldRaised",
        ["subject"] = "lot/L-5521", ["site"] = "OH-DAYTON", ["time"] = "2026-11-20T10:40:00Z",
        ["data"] = new JsonObject { ["holdId"] = "QH-7781", ["lotId"] = "L-5521", ["reason"] = "Hardness out of specification" },
    };
}
