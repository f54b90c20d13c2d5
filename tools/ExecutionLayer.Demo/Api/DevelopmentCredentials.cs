namespace ExecutionLayer.Demo.Api;

/// <summary>
/// The development API keys infra/run.sh made and printed, one "id key" per line: dev-admin, dev-erp,
/// dev-bridge, dev-auditor and dev-planner (the planning assistant's).
/// </summary>
public sealed record DevelopmentCredentials(string Admin, string Erp, string Bridge, string Auditor, string Planner)
{
    public static DevelopmentCredentials Read(string file)
    {
        var keys = File.ReadAllLines(file)
            .Select(line => line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        string Key(string id) => keys.TryGetValue(id, out var key) ? key : throw new InvalidDataException($"{file} has no key for {id}.");
        return new(Key("dev-admin"), Key("dev-erp"), Key("dev-bridge"), Key("dev-auditor"), Key("dev-planner"));
    }
}
