using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Testing;

/// <summary>
/// One client per person in front of a service under test, each signed as that person would be by the
/// gateway (<see cref="GatewaySigningHandler"/>): who acts is the signed caller, so a test acts as someone
/// by choosing the client, never by naming them in a body.
/// </summary>
/// <param name="create">Makes a client whose handler chain starts with the given handler (a test server's CreateDefaultClient).</param>
public sealed class SignedClients(Func<DelegatingHandler, HttpClient> create) : IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public HttpClient As(string person)
    {
        lock (_clients)
        {
            if (_clients.TryGetValue(person, out var client)) return client;
            client = create(new GatewaySigningHandler());
            client.DefaultRequestHeaders.Add(GatewayHeaders.Actor, person);
            return _clients[person] = client;
        }
    }

    public void Dispose()
    {
        lock (_clients)
            foreach (var client in _clients.Values) client.Dispose();
    }
}
