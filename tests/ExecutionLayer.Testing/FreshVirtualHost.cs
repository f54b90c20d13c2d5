using System.Net.Http.Headers;
using System.Text;
using ExecutionLayer.Messaging;
using Xunit;

namespace ExecutionLayer.Testing;

/// <summary>A RabbitMQ vhost of its own for one test class (queues and exchanges cannot leak between tests), deleted afterwards.</summary>
public sealed class FreshVirtualHost : IAsyncLifetime, IAsyncDisposable
{
    private readonly HttpClient _management;

    public FreshVirtualHost()
    {
        var rabbit = TestInfrastructure.RabbitMq;
        _management = new HttpClient(new AnyNode(TestInfrastructure.RabbitMqManagementPorts))
        {
            BaseAddress = new Uri($"http://{rabbit.Host}:{TestInfrastructure.RabbitMqManagementPort}/api/"),
        };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
    }

    public string Name { get; } = $"el-test-{Guid.NewGuid():N}";

    public RabbitMqSettings Settings => TestInfrastructure.RabbitMq with { VirtualHost = Name };

    /// <summary>The "RabbitMq" configuration section pointing at this vhost, for a test host's configuration.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Configuration =>
    [
        new("RabbitMq:Host", Settings.Host),
        new("RabbitMq:Port", Settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("RabbitMq:VirtualHost", Settings.VirtualHost),
        new("RabbitMq:Username", Settings.Username),
        new("RabbitMq:Password", Settings.Password),
        .. Settings.Nodes.Select((node, i) => new KeyValuePair<string, string?>($"RabbitMq:Nodes:{i}", node)),
    ];

    /// <summary>The management HTTP API, for tests that inspect queues (dead letters, depths).</summary>
    public HttpClient Management => _management;

    public async Task InitializeAsync()
    {
        var vhost = Uri.EscapeDataString(Name);
        try
        {
            (await _management.PutAsync($"vhosts/{vhost}", null)).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException e)
        {
            throw TestInfrastructure.Unreachable("RabbitMQ (management API)", _management.BaseAddress!.ToString(), e);
        }
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await _management.PutAsync($"permissions/{vhost}/{Uri.EscapeDataString(Settings.Username)}", permissions)).EnsureSuccessStatusCode();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Name)}");
        _management.Dispose();
    }

    /// <summary>
    /// Sends each request to the first node whose management listener takes the connection: in a cluster any node answers
    /// for all, and a fault test may have stopped the first.
    /// </summary>
    private sealed class AnyNode(IReadOnlyList<int> ports) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            for (var i = 0; ; i++)
            {
                request.RequestUri = new UriBuilder(request.RequestUri!) { Port = ports[i] }.Uri;
                try
                {
                    return await base.SendAsync(request, cancellationToken);
                }
                catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && i < ports.Count - 1)
                {
                    // Refused before anything was sent: the next node.
                }
            }
        }
    }
}
