using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ExecutionLayer.ServiceDefaults.Input;

namespace ExecutionLayer.Exceptions.Intake;

/// <summary>The operational event vocabulary of DOMAIN.md, each type with the record its data must fit.</summary>
public static class FactTypes
{
    public static readonly FrozenDictionary<string, Type> ByName = new Dictionary<string, Type>
    {
        ["SalesOrderConfirmed"] = typeof(SalesOrderConfirmed),
        ["ProductionOrderReleased"] = typeof(ProductionOrderReleased),
        ["MaterialRequirement"] = typeof(MaterialRequirement),
        ["PurchaseOrderPlaced"] = typeof(PurchaseOrderPlaced),
        ["SupplierDeliveryDelayed"] = typeof(SupplierDeliveryDelayed),
        ["MaterialReceived"] = typeof(MaterialReceived),
        ["MachineStateChanged"] = typeof(MachineStateChanged),
        ["QualityHoldRaised"] = typeof(QualityHoldRaised),
        ["QualityHoldReleased"] = typeof(QualityHoldReleased),
        ["LotProduced"] = typeof(LotProduced),
        ["LotConsumed"] = typeof(LotConsumed),
        ["ShipmentPlanned"] = typeof(ShipmentPlanned),
        ["ShipmentDispatched"] = typeof(ShipmentDispatched),
        ["ProductionActualReported"] = typeof(ProductionActualReported),
        ["OperationStarted"] = typeof(OperationStarted),
        ["OperationCompleted"] = typeof(OperationCompleted),
        ["KpiMeasured"] = typeof(KpiMeasured),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Strict on what matters (required fields, types, nullability, enum names, and the input policy on every
    /// string: ids and codes a name's length, reasons free text); tolerant of extra fields ERPs add.
    /// </summary>
    public static readonly JsonSerializerOptions Json = CreateOptions();

    public static object Read(string type, JsonElement data) => data.Deserialize(ByName[type], Json)!;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(PolicedStrings.Modify);
        options.MakeReadOnly();
        return options;
    }
}
