using System.Globalization;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Governing;

public enum FieldKind { Date, Text }

/// <summary>
/// A field the system can govern: one the ERP/MES facts report, so a change to it that nobody granted is seen at the intake.
/// Values are kept as text — dates as UTC ISO-8601 to the second — so a value compares the same whoever reported it.
/// </summary>
public sealed record GovernableField(string Entity, string Field, FieldKind Kind)
{
    public static readonly GovernableField PromiseDate = new("sales-order", "promise-date", FieldKind.Date);
    public static readonly GovernableField DueDate = new("production-order", "due-date", FieldKind.Date);
    public static readonly GovernableField Carrier = new("shipment", "carrier", FieldKind.Text);
    public static readonly GovernableField PlannedDate = new("shipment", "planned-date", FieldKind.Date);

    public static IReadOnlyList<GovernableField> All { get; } = [PromiseDate, DueDate, Carrier, PlannedDate];

    /// <summary>entity.field, as configuration and the ledger name it.</summary>
    public string Key => $"{Entity}.{Field}";

    public static GovernableField? Find(string entity, string field) => All.FirstOrDefault(f => f.Entity == entity && f.Field == field);

    public static string Names => string.Join(", ", All.Select(f => f.Key));

    /// <summary>The governable fields a fact reports, each with the entity it is of and the value it says.</summary>
    public static IEnumerable<(GovernableField Field, string EntityId, string Value)> Reported(object fact) => fact switch
    {
        SalesOrderConfirmed f => [(PromiseDate, f.OrderId, DateValue(f.PromiseDate))],
        ProductionOrderReleased f => [(DueDate, f.OrderId, DateValue(f.Due))],
        ShipmentPlanned f => [(Carrier, f.ShipmentId, f.Carrier.Trim()), (PlannedDate, f.ShipmentId, DateValue(f.PlannedDate))],
        _ => [],
    };

    public static string DateValue(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value as this field keeps it, or null when it is not one (a date that does not parse, an empty text).</summary>
    public string? Normalize(string? value) => Kind switch
    {
        _ when string.IsNullOrWhiteSpace(value) => null,
        FieldKind.Date => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? DateValue(at) : null,
        _ => value!.Trim() is { Length: <= 200 } text ? text : null,
    };

    /// <summary>How big a change is: days later (negative: earlier) for a date; none for a text.</summary>
    public decimal? SizeOf(string from, string to) => Kind == FieldKind.Date
        && DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a)
        && DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b)
            ? Math.Round((decimal)(b - a).TotalDays, 2) : null;

    public string? SizeUnit => Kind == FieldKind.Date ? "days" : null;

    /// <summary>The key the graph and the cases watching the entity know it by.</summary>
    public string WatchKey(string entityId) => Entity switch
    {
        "sales-order" => $"so:{entityId}",
        "production-order" => $"order:{entityId}",
        _ => $"shipment:{entityId}",
    };
}
