using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Client.Models;
// The description has a schema of that name too (free JSON); here it is always the parsed kind.
using JsonElement = System.Text.Json.JsonElement;

namespace ExecutionLayer.Demo.Plant;

/// <summary>
/// What the system answered at each step of the day, as the generated client read it: the demo prints it, the
/// end-to-end tests judge it. Webhook notices are the bridge's JSON (no part of the API description), and what an
/// answer carries as recorded (a case's event, a decision context) is kept as the JSON it was.
/// </summary>
public sealed class PlantDayRecord
{
    public DateTimeOffset Monday { get; set; }

    /// <summary>The CNC-4 case once it was responding: impact and routing.</summary>
    public CaseView MachineCase { get; set; } = null!;

    public Guid MachineCaseId { get; set; }

    public Guid OvertimeApprovalId { get; set; }

    public JsonElement RequestedNotice { get; set; }

    /// <summary>The request as the approvals service showed it at 12:59, a few minutes before its SLA ran out.</summary>
    public ApprovalView ApprovalBeforeSla { get; set; } = null!;

    /// <summary>Notices the bridge had received by 12:59.</summary>
    public IReadOnlyList<string> NoticesBeforeSla { get; set; } = [];

    public JsonElement EscalatedNotice { get; set; }

    /// <summary>The CNC-4 case once it held up the rush order SO-1002 too (11:15).</summary>
    public CaseView MachineCaseAfterRushOrder { get; set; } = null!;

    /// <summary>Why the director's 13:40 click was held for confirmation on the data now (null: it was not).</summary>
    public Bridge.HeldClick? OvertimeHeld { get; set; }

    /// <summary>Why the quality lead's click on the deviation was held: the hold was released before she decided.</summary>
    public Bridge.HeldClick DeviationHeld { get; set; } = null!;

    /// <summary>SO-1002's promise moved four days later, as asked (pending its decision).</summary>
    public ChangeView PromiseChangeAsked { get; set; } = null!;

    /// <summary>What the ERP's endpoint received when the change was granted (change.approved).</summary>
    public JsonElement PromiseChangeNotice { get; set; }

    /// <summary>The change once SAP reported the granted date back.</summary>
    public ChangeView PromiseChange { get; set; } = null!;

    /// <summary>The case SAP's unasked move of SO-1001's promise opened, and the same case once the date was put back.</summary>
    public CaseView UngovernedCase { get; set; } = null!;

    public CaseView UngovernedResolved { get; set; } = null!;

    /// <summary>Dayton's scorecard for the review's quarter, read once the following week's KPIs were in.</summary>
    public Scorecard Scorecard { get; set; } = null!;

    /// <summary>The deviation request once decided on the data now.</summary>
    public ApprovalView DeviationDecided { get; set; } = null!;

    /// <summary>The request once decided (its state and event history).</summary>
    public ApprovalView DecidedApproval { get; set; } = null!;

    /// <summary>The CNC-4 case after it heard the approval was granted.</summary>
    public CaseView MachineCaseAfterDecision { get; set; } = null!;

    public CaseView HoldCase { get; set; } = null!;

    /// <summary>The planning assistant's recommendation to expedite the bar stock, as received (routed to the plant manager).</summary>
    public RecommendationView RecommendationReceived { get; set; } = null!;

    /// <summary>The plant manager's notice for it: the recommendation as decision context.</summary>
    public JsonElement RecommendationNotice { get; set; }

    /// <summary>The recommendation once accepted with the plant manager's changes, its action created.</summary>
    public RecommendationView RecommendationAccepted { get; set; } = null!;

    /// <summary>What SAP's endpoint received to carry it out (erp.command).</summary>
    public JsonElement ErpCommandNotice { get; set; }

    /// <summary>The actions the hold case's routing created.</summary>
    public IReadOnlyList<ActionSummary> HoldActions { get; set; } = [];

    /// <summary>The use-as-is deviation the hold case asked the quality lead for.</summary>
    public JsonElement DeviationNotice { get; set; }

    /// <summary>The <c>exceptions.hold-propagated</c> event of the hold case.</summary>
    public JsonElement HoldPropagation { get; set; }

    /// <summary>The hold blocking each order and shipment (by id) in the graph's views just after the hold, or null.</summary>
    public Dictionary<string, string?> BlockedAfterHold { get; } = new(StringComparer.Ordinal);

    /// <summary>The actions the two cases created, by function's owner, as listed when they existed.</summary>
    public IReadOnlyList<ActionSummary> CaseActions { get; set; } = [];

    public ActionView MaintenanceAction { get; set; } = null!;

    public Review ReviewOpened { get; set; } = null!;

    public Minutes Minutes { get; set; } = null!;

    public string MinutesMarkdown { get; set; } = "";

    /// <summary>The review's action on the scrap-rate KPI (which then falls) and on on-time delivery (which does not rise).</summary>
    public ActionItem ScrapRateAction { get; set; } = null!;

    public ActionItem OnTimeDeliveryAction { get; set; } = null!;

    public ExecutionMetricsReport Metrics { get; set; } = null!;

    /// <summary>The flow indicators of the week, Monday to Monday, once it is over.</summary>
    public FlowReport Flow { get; set; } = null!;

    public Timeline Timeline { get; set; } = null!;

    public AuditedApproval Decisions { get; set; } = null!;

    public Verification Verification { get; set; } = null!;

    public CompletenessReport Completeness { get; set; } = null!;

    public IReadOnlyList<string> Export { get; set; } = [];

    public ExportVerification? ExportVerification { get; set; }
}
