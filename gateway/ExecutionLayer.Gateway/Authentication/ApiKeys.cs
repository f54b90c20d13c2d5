using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExecutionLayer.Gateway.Access;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>
/// One machine client's key as stored: never the key itself, only SHA-256(salt ‖ key) with a salt of its
/// own. <see cref="Sites"/> holds "*" for every site.
/// </summary>
public sealed record ApiKeyRecord(string Id, string Salt, string Hash, string[] Scopes, string[] Sites, string? Actor = null,
    double? RequestsPerSecond = null, int? Burst = null);

/// <summary>
/// Machine clients' keys (ERP, MES, bridges, auditors' tools), from <c>Gateway:ApiKeys</c> and the JSON
/// file <c>Gateway:ApiKeyFile</c>. A key reads <c>elk_{id}_{secret}</c>: the id finds the record, so
/// checking a key is one hash, not one per stored key.
/// </summary>
public sealed partial class ApiKeys
{
    public const string Prefix = "elk_";
    private readonly Dictionary<string, ApiKeyRecord> _byId = new(StringComparer.Ordinal);

    public ApiKeys(IConfiguration configuration)
    {
        var records = configuration.GetSection("Gateway:ApiKeys").Get<ApiKeyRecord[]>() ?? [];
        if (configuration["Gateway:ApiKeyFile"] is { Length: > 0 } file)
        {
            if (!File.Exists(file)) throw new InvalidOperationException($"Gateway:ApiKeyFile names {file}, which does not exist.");
            records = [.. records, .. JsonSerializer.Deserialize<ApiKeyRecord[]>(File.ReadAllText(file), JsonDefaults.Options) ?? []];
        }
        foreach (var record in records)
        {
            Validate(record);
            if (!_byId.TryAdd(record.Id, record)) throw new InvalidOperationException($"API key id '{record.Id}' is configured twice.");
        }
    }

    public int Count => _byId.Count;

    /// <summary>The record of a presented key, when it is one of ours: one lookup by id, one constant-time hash comparison.</summary>
    public ApiKeyRecord? Find(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200) return null;
        var rest = presented.AsSpan(Prefix.Length);
        var split = rest.IndexOf('_');
        if (split <= 0 || !_byId.TryGetValue(rest[..split].ToString(), out var record)) return null;
        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(record.Hash), HashOf(Convert.FromBase64String(record.Salt), presented)) ? record : null;
    }

    /// <summary>A new key and the record to store for it (<c>ExecutionLayer.Gateway new-api-key</c>): the key is shown once, never stored.</summary>
    public static (string Key, ApiKeyRecord Record) Create(string id, string[] scopes, string[] sites, string? actor = null, double? requestsPerSecond = null, int? burst = null)
    {
        var key = $"{Prefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var salt = RandomNumberGenerator.GetBytes(16);
        var record = new ApiKeyRecord(id, Convert.ToBase64String(salt), Convert.ToHexString(HashOf(salt, key)), scopes, sites, actor, requestsPerSecond, burst);
        Validate(record);
        return (key, record);
    }

    private static byte[] HashOf(byte[] salt, string key) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(key)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Validate(ApiKeyRecord r)
    {
        var problems = new List<string>();
        if (r.Id is null || !IdPattern().IsMatch(r.Id)) problems.Add("id is 1-64 letters, digits or '-'");
        if (r.Salt is null || !IsBase64(r.Salt)) problems.Add("salt is base64");
        if (r.Hash is not { Length: 64 } || !r.Hash.All(Uri.IsHexDigit)) problems.Add("hash is 64 hex digits (SHA-256)");
        if (r.Scopes is null || r.Scopes.Length == 0 || r.Scopes.Any(s => !Scopes.All.Contains(s))) problems.Add($"scopes are some of {string.Join(", ", Scopes.All)}");
        if (r.Sites is null || r.Sites.Length == 0 || r.Sites.Any(string.IsNullOrWhiteSpace)) problems.Add("sites lists site codes, or \"*\" for every site");
        if (r.RequestsPerSecond is <= 0 || r.Burst is <= 0) problems.Add("rate limits are positive");
        if (problems.Count > 0) throw new InvalidOperationException($"API key '{r.Id}': {string.Join("; ", problems)}.");

        static bool IsBase64(string s) => Convert.TryFromBase64String(s, new byte[s.Length], out var n) && n > 0;
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex IdPattern();
}
