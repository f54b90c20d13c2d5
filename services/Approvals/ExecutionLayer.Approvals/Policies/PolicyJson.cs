using ExecutionLayer.Store.Types;
using System.Text.Json;

namespace ExecutionLayer.Approvals.Policies;

internal static class PolicyJson
{
    public static string Of(PolicyDefinition definition) => JsonSerializer.Serialize(definition, EventJson.Options);

    public static PolicyDefinition Read(string json) => JsonSerializer.Deserialize<PolicyDefinition>(json, EventJson.Options)!;

    public static bool Same(PolicyDefinition a, PolicyDefinition b) => Of(a) == Of(b);
}
