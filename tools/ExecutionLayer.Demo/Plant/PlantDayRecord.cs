using System.Text.Json;
using ExecutionLayer.Audit.Ledger;

namespace ExecutionLayer.Demo.Plant;

/// <summary>What the system answered at each step of the day, as the public API returned it: the demo prints it, the end-to-end tests judge it.</summary>
public sealed class PlantDayRecord
{
    public DateTimeOffset Monday { get; set; }

    /// <summary>The CNC-4 case once it was responding: impact and routing.</summary>
    public JsonElement MachineCase { get; set; }

    public Guid MachineCaseId { get; set; }

    public Guid OvertimeApprovalId { get; set; }

    public JsonElement RequestedNotice { get; set; }

    /// <summary>The request as the approvals service showed it at 12:59, a few minutes before its SLA ran out.</summary>
    public JsonElement ApprovalBeforeSla { get; set; }

    /// <summary>Notices the bridge had received by 12:59.</summary>
    public IReadOnlyList<string> NoticesBeforeSla { get; set; } = [];

    public JsonElement EscalatedNotice { get; set; }

    /// <summary>The request once decided (its state and event history).</summary>
    public JsonElement DecidedApproval { get; set; }

    /// <summary>The CNC-4 case after it heard the approval was granted.</summary>
    public JsonElement MachineCaseAfterDecision { get; set; }

    public JsonElement HoldCase { get; set; }

    /// <summary>The actions the hold case's routing created.</summary>
    public IReadOnlyList<JsonElement> HoldActions { get; set; } = [];

    /// <summary>The use-as-is deviation the hold case asked the quality lead for.</summary>
    public JsonElement DeviationNotice { get; set; }

    /// <summary>The <c>exceptions.hold-propagated</c> event of the hold case.</summary>
    public JsonElement HoldPropagation { get; set; }

    /// <summary>Graph views (orders and shipments, by id) just after the hold.</summary>
    public Dictionary<string, JsonElement> AfterHold { get; } = new(StringComparer.Ordinal);

    /// <summary>The actions the two cases created, by function's owner, as listed when they existed.</summary>
    public IReadOnlyList<JsonElement> CaseActions { get; set; } = [];

    public JsonElement MaintenanceAction { get; set; }

    public JsonElement ReviewOpened { get; set; }

    public JsonElement Minutes { get; set; }

    public string MinutesMarkdown { get; set; } = "";

    /// <summary>The review's action on the scrap-rate KPI (which then falls) and on on-time delivery (which does not rise).</summary>
    public JsonElement ScrapRateAction { get; set; }

    public JsonElement OnTimeDeliveryAction { get; set; }

    public JsonElement Metrics { get; set; }

    public JsonElement Timeline { get; set; }

    public JsonElement Decisions { get; set; }

    public JsonElement Verification { get; set; }

    public JsonElement Completeness { get; set; }

    public IReadOnlyList<string> Export { get; set; } = [];

    public ExportVerification? ExportVerification { get; set; }
}
