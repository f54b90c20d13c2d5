using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ExecutionLayer.Gateway.Authentication;
using ExecutionLayer.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>
/// The real gateway in front of the four real services, every one its own program listening on its own
/// loopback port (Kestrel, not an in-memory server), on one fresh database and vhost. Two more
/// backends stand in for trouble: a port nobody listens on (a service that is down) and a socket that
/// accepts and never answers (a service that hangs).
/// </summary>
public sealed class FrontDoor : IAsyncLifetime
{
    public const string SigningKey = "gateway-tests-signing-key-0123456789-abcdef";
    public const string JwtSecret = "gateway-tests-jwt-hmac-secret-0123456789-abcdef";
    public const string Issuer = "https://login.plant.test";
    public const string Audience = "executionlayer";
    public const string Dayton = "OH-DAYTON";
    public const string Smyrna = "TN-SMYRNA";

    private readonly FreshVirtualHost _vhost = new();
    private readonly List<IAsyncDisposable> _factories = [];
    private readonly TcpListener _hung = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _heldOpen = [];

    public FreshDatabase Database { get; } = new();

    /// <summary>The identity provider's RS256 key; the gateway knows only its public half.</summary>
    public static RSA IdentityProvider { get; } = RSA.Create(2048);
    public Dictionary<string, int> ServicePorts { get; } = [];

    /// <summary>Each service's container (its endpoints, as it serves them), by the cluster name the gateway routes to.</summary>
    public Dictionary<string, IServiceProvider> ServiceContainers { get; } = [];

    /// <summary>The gateway's container: its routes as YARP holds them.</summary>
    public IServiceProvider GatewayContainer { get; private set; } = null!;
    public Uri Gateway { get; private set; } = null!;

    /// <summary>Keys by name, each the plaintext a client would hold.</summary>
    public Dictionary<string, string> Keys { get; } = [];

    private readonly List<ApiKeyRecord> _records = [];

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await _vhost.InitializeAsync();
        Key("admin", ["admin"], ["*"]);
        Key("intake", ["events:write"], ["*"]);
        Key("dayton-planner", ["actions:write", "exceptions:read"], [Dayton], actor: "paula.planner");
        Key("smyrna-reader", ["actions:read", "exceptions:read", "approvals:decide"], [Smyrna]);
        Key("smyrna-auditor", ["audit:read"], [Smyrna]);
        Key("dayton-auditor", ["audit:read"], [Dayton]);
        Key("throttled", ["actions:read"], ["*"], requestsPerSecond: 0.2, burst: 3);

        _hung.Start();
        _ = AcceptAndHoldAsync();

        // Audit first: its queue must exist before the other services' outboxes publish the feed.
        using var auditKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var auditPem = auditKey.ExportPkcs8PrivateKeyPem();
        Start<Audit.AuditOptions>("audit", web =>
        {
            web.UseSetting("ConnectionStrings:AuditLedger", TestInfrastructure.AuditLedgerOn(Database.ConnectionString));
            web.UseSetting("Audit:Signing:PrivateKeyPem", auditPem);
        });
        Start<Exceptions.ExceptionsOptions>("exceptions", _ => { });
        Start<Approvals.ApprovalsOptions>("approvals", web => web.UseSetting("Approvals:Tokens:Key", "gateway-tests-token-key"));
        Start<Actions.ActionsOptions>("actions", _ => { });

        var gatewayPort = LoopbackPort.Free();
        var gateway = new WebApplicationFactory<GatewayMarker>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting("Gateway:SigningKey", SigningKey);
            web.UseUrls($"http://127.0.0.1:{gatewayPort}");
            web.UseSetting("Gateway:ApiKeyFile", ""); // not the development key file infra/env.sh names
            foreach (var (service, port) in ServicePorts)
                web.UseSetting($"Services:{service}", $"http://127.0.0.1:{port}/");
            for (var i = 0; i < _records.Count; i++) Record(web, $"Gateway:ApiKeys:{i}", _records[i]);
            web.UseSetting("Gateway:Jwt:Issuer", Issuer);
            web.UseSetting("Gateway:Jwt:Audience", Audience);
            web.UseSetting("Gateway:Jwt:HmacSecrets:0", JwtSecret);
            web.UseSetting("Gateway:Jwt:RsaPublicKeysPem:0", IdentityProvider.ExportSubjectPublicKeyInfoPem());
            // Two routes to trouble, under a prefix the access table already covers.
            Trouble(web, "down", $"http://127.0.0.1:{LoopbackPort.Free()}/", "00:00:30");
            Trouble(web, "hung", $"http://127.0.0.1:{((IPEndPoint)_hung.LocalEndpoint).Port}/", "00:00:01");
        });
        gateway.UseKestrel();
        gateway.StartServer();
        _factories.Add(gateway);
        GatewayContainer = gateway.Services;
        Gateway = new Uri($"http://127.0.0.1:{gatewayPort}/");
        // The registry (exceptions) seeds the plant's sites; approvals and actions know them once their replicas have them.
        await PlantRegistry.ReplicatedAsync(Database.ConnectionString, "approvals");
        await PlantRegistry.ReplicatedAsync(Database.ConnectionString, "actions");
    }

    /// <summary>A client of the gateway holding the named API key (or none).</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", Keys[key]);
        return client;
    }

    /// <summary>A client straight to a service, past the gateway.</summary>
    public HttpClient Direct(string service) => new() { BaseAddress = new Uri($"http://127.0.0.1:{ServicePorts[service]}/"), Timeout = TimeSpan.FromSeconds(30) };

    public static string Jwt(string subject, string scope, string sites, DateTime? expires = null, string secret = JwtSecret, string audience = Audience,
        RSA? rsa = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            NotBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddHours(-1),
            IssuedAt = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddHours(-1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = scope, ["sites"] = sites.Split(',') },
            SigningCredentials = rsa is not null
                ? new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256)
                : new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });

    public async Task DisposeAsync()
    {
        _hung.Stop();
        foreach (var socket in _heldOpen) socket.Dispose();
        for (var i = _factories.Count - 1; i >= 0; i--) await _factories[i].DisposeAsync();
        await _vhost.DisposeAsync();
        await Database.DisposeAsync();
    }

    private void Key(string name, string[] scopes, string[] sites, string? actor = null, double? requestsPerSecond = null, int? burst = null)
    {
        var (key, record) = ApiKeys.Create(name, scopes, sites, actor, requestsPerSecond, burst);
        Keys[name] = key;
        _records.Add(record);
    }

    private static void Record(IWebHostBuilder web, string prefix, ApiKeyRecord r)
    {
        web.UseSetting($"{prefix}:Id", r.Id);
        web.UseSetting($"{prefix}:Salt", r.Salt);
        web.UseSetting($"{prefix}:Hash", r.Hash);
        if (r.Actor is not null) web.UseSetting($"{prefix}:Actor", r.Actor);
        for (var i = 0; i < r.Scopes.Length; i++) web.UseSetting($"{prefix}:Scopes:{i}", r.Scopes[i]);
        for (var i = 0; i < r.Sites.Length; i++) web.UseSetting($"{prefix}:Sites:{i}", r.Sites[i]);
        if (r.RequestsPerSecond is { } rate) web.UseSetting($"{prefix}:RequestsPerSecond", rate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (r.Burst is { } burst) web.UseSetting($"{prefix}:Burst", burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Trouble(IWebHostBuilder web, string name, string address, string timeout)
    {
        web.UseSetting($"ReverseProxy:Routes:{name}:ClusterId", name);
        web.UseSetting($"ReverseProxy:Routes:{name}:Match:Path", $"/api/metrics/{name}/{{**rest}}");
        web.UseSetting($"ReverseProxy:Routes:{name}:Timeout", timeout);
        web.UseSetting($"ReverseProxy:Clusters:{name}:LoadBalancingPolicy", "FirstAlphabetical");
        web.UseSetting($"Services:{name}", address);
    }

    private void Start<T>(string service, Action<IWebHostBuilder> configure) where T : class
    {
        var port = LoopbackPort.Free();
        var factory = new WebApplicationFactory<T>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseUrls($"http://127.0.0.1:{port}");
            web.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
            web.UseSetting("Gateway:SigningKey", SigningKey);
            foreach (var (key, value) in _vhost.Configuration) web.UseSetting(key, value);
            configure(web);
        });
        factory.UseKestrel();
        factory.StartServer();
        _factories.Add(factory);
        ServicePorts[service] = port;
        ServiceContainers[service] = factory.Services;
    }

    private async Task AcceptAndHoldAsync()
    {
        try
        {
            while (true) _heldOpen.Add(await _hung.AcceptSocketAsync());
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class FrontDoorCollection : ICollectionFixture<FrontDoor>
{
    public const string Name = "front door";
}
