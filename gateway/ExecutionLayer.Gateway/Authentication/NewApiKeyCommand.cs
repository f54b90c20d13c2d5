using System.Text.Json;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// <c>ExecutionLayer.Gateway new-api-key --id erp --scopes events:write,exceptions:read --sites PLANT-A [--actor erp-sap] [--file keys.json]</c>:
/// prints a new key once, and the record to keep (appended to the key file when one is named).
/// </summary>
internal static class NewApiKeyCommand
{
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
        if (!options.TryGetValue("id", out var id) || !options.TryGetValue("scopes", out var scopes) || !options.TryGetValue("sites", out var sites))
        {
            Console.Error.WriteLine("usage: new-api-key --id ID --scopes a,b --sites SITE,SITE|* [--actor NAME] [--file keys.json]");
            return 2;
        }
        try
        {
            var (key, record) = ApiKeys.Create(id, Split(scopes), Split(sites), options.GetValueOrDefault("actor"));
            if (options.TryGetValue("file", out var file))
            {
                var existing = File.Exists(file) ? JsonSerializer.Deserialize<ApiKeyRecord[]>(File.ReadAllText(file), JsonDefaults.Options) ?? [] : [];
                if (existing.Any(r => r.Id == id)) { Console.Error.WriteLine($"{file} already holds a key '{id}'."); return 1; }
                File.WriteAllText(file, JsonSerializer.Serialize<ApiKeyRecord[]>([.. existing, record], JsonDefaults.Options));
            }
            else Console.Error.WriteLine(JsonSerializer.Serialize(record, JsonDefaults.Options));
            Console.WriteLine(key);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
