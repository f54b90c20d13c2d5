using System.Text.Json;
using ExecutionLayer.Approvals.Delegating;
using ExecutionLayer.Approvals.People;
using ExecutionLayer.Approvals.Policies;
using ExecutionLayer.Approvals.Requests;

namespace ExecutionLayer.Approvals.Tests;

/// <summary>The people, policies and the overtime request of the plant day in DOMAIN.md.</summary>
public static class Overtime
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AskedAt = Monday.AddHours(9).AddMinutes(6);

    public const string Planner = "paula.planner";
    public const string PlantManager = "pat.plant";
    public const string Director = "dana.director";
    public const string Smyrna = "sam.smyrna";

    public static readonly ApproverRef PlantManagerRole = new(Role: "plant-manager");
    public static readonly ApproverRef DirectorRole = new(Role: "operations-director");

    /// <summary>Overtime needs the plant manager within four hours; then the operations director.</summary>
    public static PolicyDefinition Policy(string sla = "PT4H", string? site = null, IReadOnlyList<ApproverRef>? approvers = null, Quorum? quorum = null) => new(
        "Overtime", new PolicyMatch(["overtime"]),
        [new StageRule("Plant manager", approvers ?? [PlantManagerRole], quorum ?? new Quorum(QuorumKind.Any), sla, [DirectorRole])], "P2D", site);

    public static PolicyVersion Version(PolicyDefinition definition, string id = "overtime", int version = 1) => new(id, version, definition);

    public static RoleHolders Directory(params (string Site, string Role, string[] People)[] extra) => new(
        new (string, string, IReadOnlyList<string>)[]
        {
            ("OH-DAYTON", "plant-manager", [PlantManager]),
            (ApprovalsOptions.CorporateSite, "operations-director", [Director]),
            ("TN-SMYRNA", "plant-manager", [Smyrna]),
        }.Concat(extra.Select(e => (e.Site, e.Role, (IReadOnlyList<string>)e.People))));

    public static Situation At(DateTimeOffset now, RoleHolders? holders = null, params ActiveDelegation[] delegations) =>
        new(holders ?? Directory(), delegations, now);

    /// <summary>The impact planning saw when it asked: the director must see exactly this.</summary>
    public static readonly JsonElement Context = JsonSerializer.SerializeToElement(new
    {
        caseSummary = "CNC-4 down (spindle fault)",
        salesOrders = new[] { new { id = "SO-1001", customer = "Acme Axles", promiseDate = "2026-11-27", value = 52000 } },
        productionOrders = new[] { "PR-77" },
        shipments = new[] { "SH-900" },
    });

    public static RequestApproval Request(Guid? id = null, string site = "OH-DAYTON", string requester = Planner, decimal amount = 18_000m) => new(
        id ?? Guid.NewGuid(), new Subject("overtime", $"{site}/2026-11-28"), site, amount, "USD", null, requester, "Saturday shift to recover CNC-4 backlog",
        "case-7", null, Context, [new FollowUp("Staff the Saturday shift", "shift-lead", 2)]);

    public static ActiveDelegation Delegation(string from, string to, DateTimeOffset from_, TimeSpan length, params string[] subjectTypes) =>
        new(Guid.NewGuid(), from, to, subjectTypes, from_, from_ + length);
}
