using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.RegisteringSites;

namespace ExecutionLayer.Exceptions;

/// <summary>The "Exceptions" configuration section.</summary>
public sealed record ExceptionsOptions
{
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>Largest intake body accepted before parsing (413 beyond it).</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// The sites a fresh registry starts with (registered at start when not registered yet; never overwritten).
    /// After that the registry is changed through <c>PUT /api/sites/{code}</c> only.
    /// </summary>
    public IReadOnlyList<SeedSite> SeedSites { get; init; } = [];

    /// <summary>Corporate detection rules.</summary>
    public DetectionRules Detection { get; init; } = new();

    /// <summary>A site's entry replaces the corporate rules for that site (unset keys take the built-in defaults).</summary>
    public Dictionary<string, DetectionRules> SiteDetection { get; init; } = [];

    public SlaRules Sla { get; init; } = new();

    /// <summary>Rows added to the built-in routing table; a site's rows replace the corporate rows for that kind.</summary>
    public List<RoutingRule> Routing { get; init; } = [];

    public List<ApprovalRule> ApprovalRouting { get; init; } = [];

    /// <summary>
    /// How long after a promise date a recommendation that expected it kept is judged: a dispatch reported late by the ERP, but
    /// made by the date, still counts.
    /// </summary>
    public TimeSpan RecommendationPromiseGrace { get; init; } = TimeSpan.FromHours(6);

    public DetectionRules DetectionFor(string site) => SiteDetection.TryGetValue(site, out var rules) ? rules : Detection;
}

public sealed record DetectionRules
{
    /// <summary>How long a work center must stay down before a case opens (zero: at once).</summary>
    public TimeSpan MachineDownAfter { get; init; } = TimeSpan.Zero;

    /// <summary>Per MES reason code, e.g. a planned changeover only counts after 45 minutes.</summary>
    public Dictionary<string, TimeSpan> MachineDownAfterByReasonCode { get; init; } = [];

    public bool Shortages { get; init; } = true;

    public bool PromiseDates { get; init; } = true;

    /// <summary>How long a down work center is assumed to stay down when projecting whether a promise date still holds.</summary>
    public TimeSpan AssumedRepairTime { get; init; } = TimeSpan.FromHours(8);

    public TimeSpan MachineDownDelay(string? reasonCode) =>
        reasonCode is not null && MachineDownAfterByReasonCode.TryGetValue(reasonCode, out var delay) ? delay : MachineDownAfter;
}

/// <summary>How long a case may stay unresolved at each severity before it climbs the site's escalation ladder.</summary>
public sealed record SlaRules
{
    public TimeSpan Critical { get; init; } = TimeSpan.FromHours(2);
    public TimeSpan High { get; init; } = TimeSpan.FromHours(4);
    public TimeSpan Medium { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan Low { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Corporate ladder; null means the built-in one.</summary>
    public string[]? Ladder { get; init; }

    public Dictionary<string, string[]> SiteLadders { get; init; } = [];

    public TimeSpan For(Severity severity) => severity switch
    {
        Severity.Critical => Critical,
        Severity.High => High,
        Severity.Medium => Medium,
        _ => Low,
    };

    public IReadOnlyList<string> LadderFor(string site) =>
        SiteLadders.TryGetValue(site, out var ladder) ? ladder : Ladder ?? ["production-manager", "plant-manager", "operations-director"];
}
