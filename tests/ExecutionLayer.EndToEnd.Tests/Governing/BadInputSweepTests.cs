using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;
using static ExecutionLayer.Demo.Plant.Cast;
using static ExecutionLayer.EndToEnd.Tests.Governing.GovernedPlant;

namespace ExecutionLayer.EndToEnd.Tests.Governing;

/// <summary>
/// Every route of the gateway's API description, fed what broken or hostile clients send — generated from
/// the description itself, so a new endpoint is covered without editing this test. Each answer must be a
/// 4xx problem (naming the field and the rule where the input policy refused it), and nothing is stored.
/// </summary>
[Collection(GovernedPlantCollection.Name)]
public sealed partial class BadInputSweepTests(GovernedPlant plant, ITestOutputHelper output)
{
    /// <summary>How many random variants of each (route, input) pair are tried.</summary>
    private const int Variants = 2;

    /// <summary>What one bad input should be answered with: any 4xx problem, or one of this status, naming this field and one of these rules.</summary>
    private sealed record Expected(string? Field = null, string[]? Rules = null, int? Status = null)
    {
        public static readonly Expected AnyProblem = new();

        public Expected(string field, params string[] rules) : this(field, rules, 400)
        {
        }
    }

    /// <summary>One bad request: its name for the report, how to send it, what must come back.</summary>
    private sealed record BadRequest(string Name, string Path, string? Json, Expected Expected);

    private static readonly Gen<string> Text = Gen.String[Gen.Char.AlphaNumeric, 0, 12];

    /// <summary>A short text with a NUL somewhere in it.</summary>
    private static readonly Gen<string> WithNul = Gen.Select(Text, Text, (a, b) => $"{a}\u0000{b}");

    /// <summary>A lone surrogate (high or low) among text — not UTF-16 text at all — as a placeholder and the JSON escape that replaces it.</summary>
    private static readonly Gen<(string Text, string Escaped)> LoneSurrogate =
        Gen.Select(Text, Gen.Int[0xD800, 0xDFFF], Text, (a, s, b) => ($"{a}SURROGATE{s:x4}{b}", $"{a}\\u{s:x4}{b}"));

    private static readonly Gen<int> Over = Gen.Int[1, 300];

    [Fact]
    public async Task Every_route_answers_bad_input_with_a_4xx_problem_naming_field_and_rule_and_stores_nothing()
    {
        var api = await ApiDescription.ReadAsync(plant.Calls);
        var operations = api.Operations().ToList();
        Assert.True(operations.Count(o => o.Writes) >= 30, $"only {operations.Count(o => o.Writes)} write operations described");

        var sweep = $"sweep-{Guid.NewGuid():N}";
        var failures = new List<string>();
        var tried = 0;
        var caller = plant.AdminAsPerson;
        foreach (var operation in operations)
        {
            foreach (var (name, gen) in Cases(api, operation))
                await gen.SampleAsync(async bad =>
                {
                    var answer = await plant.Calls.SendAsync(caller, new HttpMethod(operation.Method), bad.Path, bad.Json, $"{sweep}-{Interlocked.Increment(ref tried)}");
                    if (Wrong(answer, bad.Expected) is { } why) lock (failures) failures.Add($"{operation.Key} with {name}: {why}");
                }, iter: Variants, threads: 1);
        }
        await plant.SettledAsync();
        var stored = await plant.StoredByAsync(sweep);

        output.WriteLine($"{operations.Count} routes ({operations.Count(o => o.Writes)} write), {tried} (route, input) pairs tried; {failures.Count} wrong answers");
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried}:\n{string.Join("\n", failures.Distinct().Take(80))}");
        Assert.Equal(0, stored);
    }

    private static string? Wrong(Answer answer, Expected expected)
    {
        if (answer.Status is < 400 or >= 500 || !answer.IsProblem) return $"expected a 4xx problem, got {answer}";
        if (expected.Status is { } status && answer.Status != status) return $"expected {status}, got {answer}";
        if (expected.Rules is { Length: > 0 } rules && !rules.Contains(answer.Rule)) return $"expected rule {string.Join("|", rules)}, got {answer}";
        if (expected.Field is not null && Normal(answer.Field) != Normal(expected.Field)) return $"expected field {expected.Field}, got {answer}";
        return null;
    }

    /// <summary>Dictionary keys appear as ['k'] or as .k depending on who names them; compare them alike.</summary>
    private static string? Normal(string? field) => field is null ? null : DictionaryKey().Replace(field, ".$1");

    /// <summary>Every bad input that applies to the operation, each as a generator of its random variants.</summary>
    private static IEnumerable<(string Name, Gen<BadRequest> Gen)> Cases(ApiDescription api, Operation operation)
    {
        string Path(IReadOnlyDictionary<string, string>? replaced = null, string? query = null)
        {
            var path = ParameterPattern().Replace(operation.Template, m =>
            {
                var name = m.Groups[1].Value;
                if (replaced is not null && replaced.TryGetValue(name, out var value)) return Uri.EscapeDataString(value);
                var parameter = operation.Parameters.First(p => p.Name == name);
                return parameter.Format == "uuid" ? Guid.NewGuid().ToString() : parameter.Type is "integer" ? "1"
                    : name.Contains("site", StringComparison.OrdinalIgnoreCase) ? Site : $"x-{Guid.NewGuid():N}"[..10];
            });
            return query is null ? path : $"{path}?{query}";
        }

        // The operation's own example when it gives one (the intake's event: a sample of its schema names no known site), else a sample.
        var body = operation.Example is { } example ? example.GetRawText() : operation.Body is { } schema ? api.Sample(schema)!.ToJsonString() : operation.Writes ? "{}" : null;
        BadRequest Request(string name, string path, Expected expected, string? json = null) => new(name, path, json ?? body, expected);
        // The intake judges each event alone: a bad one is a 422 whose result names its field and rule, the others are still taken.
        var perEvent = operation.Template == "/api/events";
        Expected Refused(string field, params string[] rules) => perEvent ? new Expected(field, rules, 422) : new Expected(field, rules);

        // Parameters: a NUL, too long, the wrong type.
        foreach (var parameter in operation.Parameters)
        {
            string Query(string value) => $"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}";
            var inPath = parameter.In == "path";
            var plain = parameter.Type is "string" && parameter.Format is null;
            yield return ($"a NUL in {parameter.Name}", WithNul.Select(v => Request("nul", inPath ? Path(new Dictionary<string, string> { [parameter.Name] = v }) : Path(query: Query(v)),
                new Expected(inPath ? "path" : parameter.Name, "nul-character"))));
            if (plain)
                yield return ($"an over-long {parameter.Name}", Over.Select(n => new string('p', (parameter.MaxLength ?? 200) + n)).Select(v => Request("long",
                    inPath ? Path(new Dictionary<string, string> { [parameter.Name] = v }) : Path(query: Query(v)), new Expected(parameter.Name, "too-long"))));
            else if (parameter.Type is "integer" or "number" or "boolean" || parameter.Format is "uuid" or "date-time")
                yield return ($"a {parameter.Name} of the wrong type", Text.Select(v => Request("type", inPath ? Path(new Dictionary<string, string> { [parameter.Name] = $"not-{v}" })
                    : Path(query: Query($"not-{v}")), inPath ? Expected.AnyProblem : new Expected(parameter.Name, "wrong-type"))));
        }
        // A parameter nobody declared is still a parameter.
        yield return ("a NUL in an undeclared query parameter", WithNul.Select(v => Request("nul-query", Path(query: $"note={Uri.EscapeDataString(v)}"), new Expected("note", "nul-character"))));

        if (!operation.Writes) yield break;

        // The body as a whole.
        yield return ("malformed JSON", Gen.Int[1, 8].Select(n => Request("malformed", Path(), operation.Body is null ? Expected.AnyProblem : new Expected(Rules: ["malformed-json"], Status: 400),
            (body ?? "{}")[..Math.Max(1, (body ?? "{}").Length - n)])));
        yield return ("an empty body", Gen.Const(Request("empty", Path(), Expected.AnyProblem, "")));
        yield return ("a body over the route's limit", Gen.Const(Request("oversize", Path(), new Expected(Status: 413), $"{{\"x\":\"{new string('x', operation.Template == "/api/events" ? 9 * 1024 * 1024 : 300 * 1024)}\"}}")));
        if (operation.Body is not { } bodySchema) yield break;
        // A body that declares extra members welcome (CloudEvents extension attributes) takes one; the who-acts test shows it changes nobody.
        if (!bodySchema.TryGetProperty("additionalProperties", out var extra) || extra.ValueKind == JsonValueKind.False)
            yield return ("an unknown field naming someone", Text.Select(v => Request("unknown", Path(), Refused("requester", "unknown-field"), With(body!, "requester", JsonValue.Create($"someone.{v}")))));

        // Each field: a NUL, a lone surrogate, too long, the wrong type, missing, an unknown enum value.
        var fields = api.Fields(bodySchema).ToList();
        var schemas = fields.ToDictionary(f => f.Path, f => f.Schema);
        string Set(string path, JsonNode? value, bool remove = false) => SetAt(api, body!, schemas, path, value, remove);
        foreach (var field in fields)
        {
            if (field.Type == "string" && !field.IsEnum && !field.Schema.TryGetProperty("format", out _))
            {
                yield return ($"a NUL in {field.Path}", WithNul.Select(v => Request("nul", Path(), Refused(field.Path, "nul-character"), Set(field.Path, JsonValue.Create(v)))));
                // A serializer refuses to write a lone surrogate, so it goes in as the escape a hostile client would send.
                yield return ($"a lone surrogate in {field.Path}", LoneSurrogate.Select(v => Request("surrogate", Path(), Refused(field.Path, "unpaired-surrogate"),
                    Set(field.Path, JsonValue.Create(v.Text)).Replace(v.Text, v.Escaped, StringComparison.Ordinal))));
                yield return ($"an over-long {field.Path}", Over.Select(n => Request("long", Path(), Refused(field.Path, "too-long"),
                    Set(field.Path, JsonValue.Create(new string('t', (field.MaxLength ?? 200) + n))))));
            }
            if (!field.IsAnyJson && WrongValue(field) is { } wrong)
                yield return ($"{field.Path} of the wrong type", Gen.Const(Request("type", Path(), Refused(field.Path, field.IsEnum ? ["wrong-type", "unknown-value"] : ["wrong-type"]),
                    Set(field.Path, wrong))));
            if (field.Required)
                yield return ($"{field.Path} missing", Gen.Const(Request("missing", Path(), Refused(field.Path, "required"), Set(field.Path, null, remove: true))));
            if (field.IsEnum)
                yield return ($"an unknown value of {field.Path}", Text.Select(v => Request("enum", Path(), Refused(field.Path, "unknown-value"), Set(field.Path, JsonValue.Create($"no-such-{v}")))));
        }
    }

    /// <summary>A JSON value of another kind than the field's.</summary>
    private static JsonNode? WrongValue(BodyField field) => field.Type switch
    {
        "string" => JsonValue.Create(5),
        "integer" or "number" => JsonValue.Create(true),
        "boolean" => JsonValue.Create("maybe"),
        "array" => new JsonObject(),
        "object" => new JsonArray(),
        _ => null,
    };

    private static string With(string body, string member, JsonNode value)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node[member] = value;
        return node.ToJsonString();
    }

    /// <summary>The base body with one place set (or removed); the objects, arrays and dictionaries on the way there are made from their schemas.</summary>
    private static string SetAt(ApiDescription api, string body, IReadOnlyDictionary<string, JsonElement> schemas, string path, JsonNode? value, bool remove)
    {
        var root = JsonNode.Parse(body)!;
        var steps = PathStep().Matches(path).ToList();
        JsonNode container = root;
        var walked = "";
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var last = i == steps.Count - 1;
            walked += step.Value.StartsWith('[') || walked.Length == 0 ? step.Value.TrimStart('.') : $".{step.Value.TrimStart('.')}";
            var make = () => schemas.TryGetValue(walked, out var s) ? api.Sample(s) : new JsonObject();
            if (step.Groups["index"].Success)
            {
                var array = container.AsArray();
                if (last)
                {
                    if (remove) { if (array.Count > 0) array.RemoveAt(0); }
                    else if (array.Count == 0) array.Add(value);
                    else array[0] = value;
                    break;
                }
                if (array.Count == 0) array.Add(make());
                container = array[0]!;
                continue;
            }
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["key"].Value;
            var obj = container.AsObject();
            if (last)
            {
                if (remove) obj.Remove(name);
                else obj[name] = value;
                break;
            }
            if (obj[name] is null) obj[name] = make();
            container = obj[name]!;
        }
        return root.ToJsonString();
    }

    [GeneratedRegex(@"\{([^}:]+)(:[^}]*)?\}")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<key>[^']*)'\]")]
    private static partial Regex PathStep();

    [GeneratedRegex(@"\['([^']*)'\]")]
    private static partial Regex DictionaryKey();
}
