using Microsoft.Extensions.Configuration;

namespace ExecutionLayer.ServiceDefaults.Addresses;

/// <summary>
/// The "Services" configuration section: where each part of the system listens, said once for every
/// process that needs it — the gateway forwards to them, the audit service asks them for point-in-time
/// state, the approvals service points decision links at the gateway. infra/env.sh derives every
/// address from one base port; a deployment sets <c>Services__{name}</c> once per name.
/// </summary>
/// <remarks>
/// A value may hold several addresses, separated by spaces or commas: the gateway balances over all of
/// them (instances of one service); the others take the first.
/// </remarks>
public sealed class ServiceAddresses
{
    public const string Section = "Services";

    public const string Gateway = "gateway";

    private readonly Dictionary<string, IReadOnlyList<Uri>> _addresses;

    private ServiceAddresses(Dictionary<string, IReadOnlyList<Uri>> addresses) => _addresses = addresses;

    /// <summary>Reads the section; an address that is not an absolute http(s) URL stops the start, naming its setting.</summary>
    public static ServiceAddresses From(IConfiguration configuration)
    {
        var addresses = new Dictionary<string, IReadOnlyList<Uri>>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var values = (entry.Value ?? "").Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var uris = new List<Uri>();
            foreach (var value in values)
            {
                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new InvalidOperationException($"{Setting(entry.Key)} holds '{value}', which is not an http:// or https:// address.");
                uris.Add(uri);
            }
            if (uris.Count > 0) addresses[entry.Key] = uris;
        }
        return new ServiceAddresses(addresses);
    }

    /// <summary>The environment variable that sets a name's addresses.</summary>
    public static string Setting(string name) => $"{Section}__{name}";

    public bool Has(string name) => _addresses.ContainsKey(name);

    /// <summary>Every address of <paramref name="name"/>; a missing one stops what needed it with the setting to give.</summary>
    public IReadOnlyList<Uri> All(string name) => _addresses.TryGetValue(name, out var uris) ? uris
        : throw new InvalidOperationException($"Where '{name}' listens is not configured: set {Setting(name)} (infra/env.sh derives it from EL_BASE_PORT).");

    public Uri First(string name) => All(name)[0];
}
