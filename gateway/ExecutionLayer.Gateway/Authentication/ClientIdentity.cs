using ExecutionLayer.ServiceDefaults.Identity;

namespace ExecutionLayer.Gateway.Authentication;

/// <summary>An authenticated client: the caller forwarded to the services, and what its rate limit is keyed by.</summary>
/// <param name="RequestsPerSecond">Its own sustained rate; null for the gateway's default.</param>
/// <param name="Burst">Its own burst; null for the gateway's default.</param>
public sealed record ClientIdentity(string PartitionKey, Caller Caller, double? RequestsPerSecond = null, int? Burst = null);
