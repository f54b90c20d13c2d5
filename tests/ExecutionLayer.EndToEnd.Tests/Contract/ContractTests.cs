using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit.Abstractions;

namespace ExecutionLayer.EndToEnd.Tests.Contract;

/// <summary>
/// The description as a promise: every answer the plant's day was given through the gateway — successes and
/// refusals, from the generated client and from raw calls — has a status its operation declares, in a media
/// type it declares, and a JSON body valid against the schema declared for it (JSON Schema 2020-12, as
/// OpenAPI 3.1 means it, formats checked). A client generated from the description reads exactly these.
/// </summary>
[Collection(PlantDayCollection.Name)]
public sealed class ContractTests(PlantDayRun run, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_answer_of_the_day_is_one_its_operation_declares_and_fits_the_declared_schema()
    {
        var document = JsonNode.Parse(await run.Cast.DecisionLinks.DescriptionAsync())!.AsObject();
        var description = new DeclaredAnswers(document);
        var seen = run.Answers.All.Where(a => a.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        var failures = new List<string>();
        var operations = new HashSet<string>();
        foreach (var answer in seen)
        {
            var judged = description.Judge(answer);
            if (judged.Operation is { } operation) operations.Add(operation);
            if (judged.Failure is { } failure) failures.Add($"{answer.Method} {answer.Path} → {answer.Status} {answer.MediaType}: {failure}");
        }

        output.WriteLine($"{seen.Count} answers of {operations.Count} operations judged against {description.OperationCount} described; {failures.Count} not as described");
        Assert.True(seen.Count >= 100, $"only {seen.Count} answers seen: is the recording handler in place?");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Distinct().Take(60)));
    }
}

/// <summary>What the description declares for each (method, path template, status, media type), and the judging of one answer against it.</summary>
internal sealed class DeclaredAnswers
{
    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonObject _paths;
    private readonly string _definitions;
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public DeclaredAnswers(JsonObject document)
    {
        _paths = document["paths"]!.AsObject();
        // Each answer's schema becomes a document of its own with the components beside it as $defs, so its references resolve.
        _definitions = document["components"]!["schemas"]!.ToJsonString();
    }

    public int OperationCount => _paths.Sum(p => p.Value!.AsObject().Count);

    public (string? Operation, string? Failure) Judge(SeenAnswer answer)
    {
        if (Template(answer.Path) is not { } template) return (null, "no described path matches");
        if (_paths[template]![answer.Method.ToLowerInvariant()] is not JsonObject operation) return (null, $"{template} has no {answer.Method}");
        var name = $"{answer.Method} {template}";
        var responses = operation["responses"]!.AsObject();
        var declared = responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses[$"{answer.Status / 100}XX"] ?? responses["default"];
        if (declared is null) return (name, $"status {answer.Status} is not declared (declared: {string.Join(", ", responses.Select(r => r.Key))})");
        if (answer.Body.Length == 0) return (name, declared["content"] is JsonObject { Count: > 0 } ? "an empty body where content is declared" : null);
        if (declared["content"] is not JsonObject content || answer.MediaType is not { } mediaType) return (name, "a body where none is declared");
        if (content[mediaType] is not JsonObject media) return (name, $"media type {mediaType} is not declared (declared: {string.Join(", ", content.Select(c => c.Key))})");
        // JSON documents only: a page, markdown minutes or an NDJSON export are checked for their media type above.
        var isJson = mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);
        if (!isJson || media["schema"] is not JsonObject schema) return (name, null);

        var key = $"{name} {answer.Status} {mediaType}";
        if (!_schemas.TryGetValue(key, out var compiled))
            _schemas[key] = compiled = JsonSchema.FromText(
                $$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{{_definitions}},"allOf":[{{schema.ToJsonString()}}]}"""
                    .Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(answer.Body);
        var result = compiled.Evaluate(body.RootElement, Strict);
        return (name, result.IsValid ? null : Errors(result));
    }

    /// <summary>The described path the request's path is an instance of; of several, the one with the fewest parameters (/actions/prioritised before /actions/{actionId}).</summary>
    private string? Template(string path)
    {
        var segments = path.Trim('/').Split('/');
        return _paths.Select(p => p.Key).Where(t =>
            {
                var parts = t.Trim('/').Split('/');
                return parts.Length == segments.Length && parts.Zip(segments).All(x => x.First.StartsWith('{') || string.Equals(x.First, Uri.UnescapeDataString(x.Second), StringComparison.Ordinal));
            })
            .OrderBy(t => t.Count(c => c == '{')).FirstOrDefault();
    }

    private static string Errors(EvaluationResults result) => string.Join("; ", (result.Details ?? [result])
        .Where(d => d.Errors is { Count: > 0 })
        .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Key}: {e.Value}"))
        .Take(5));
}
