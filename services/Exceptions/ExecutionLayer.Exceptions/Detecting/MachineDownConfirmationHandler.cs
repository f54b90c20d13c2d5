using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.Store.Metadata;
using ExecutionLayer.Store.Writing;
using ExecutionLayer.Store.Deadlines;

namespace ExecutionLayer.Exceptions.Detecting;

/// <summary>A site counts a stop with this reason code only after a while: when the wait is over, open the case if the stop goes on.</summary>
internal sealed class MachineDownConfirmationHandler(MachineDownRule rule) : IDeadlineHandler
{
    public string Kind => MachineDownRule.ConfirmationDeadline;

    public Task HandleAsync(Deadline deadline, StoreTransaction tx, CancellationToken ct) =>
        rule.ConfirmAsync(tx, deadline.Payload.Deserialize<MachineDownTimer>(EventJson.Options)!, ct);
}
