namespace ExecutionLayer.Contracts.Sites;

/// <summary>
/// A site of the registry (owned by the exceptions service) as it now stands: published when it is
/// registered and at each change, so every service knows the plants it may be told about and their
/// local time. <see cref="Version"/> is the site's stream version: a replica keeps the highest it has seen,
/// so a late or repeated message never rolls a site back.
/// </summary>
/// <param name="TimeZone">An IANA time zone id (America/New_York): where "this week" and a review's date are read.</param>
/// <param name="Currency">The ISO 4217 code amounts at the site are in when a request gives none.</param>
public sealed record SitePublished(string Code, string Name, string TimeZone, string Currency, long Version, DateTimeOffset ChangedAt);

/// <summary>
/// A service starting with a replica of the registry asks for every site again: one published before its
/// queue existed (the registry started first on a fresh system) would otherwise never reach it. The registry
/// answers by publishing each site's current state; replicas keep the highest version, so the others
/// hearing it again change nothing.
/// </summary>
public sealed record SiteRegistryRequested(string Service, DateTimeOffset RequestedAt);
