using ExecutionLayer.Store.Types;
using System.Text.Json;
using ExecutionLayer.EventSourcing;
using ExecutionLayer.EventSourcing.Deadlines;
using ExecutionLayer.EventSourcing.Types;

namespace ExecutionLayer.Exceptions.Cases;

/// <summary>A site counts a stop with this reason code only after a while: when the wait is over, open the case if the stop goes on.</summary>
internal sealed class MachineDownConfirmationHandler(CaseDetector detector) : IDeadlineHandler
{
    public string Kind => CaseDetector.MachineDownDeadline;

    public Task HandleAsync(Deadline deadline, UnitOfWork uow, CancellationToken ct) =>
        detector.ConfirmMachineDownAsync(uow.Transaction, deadline.Payload.Deserialize<MachineDownTimer>(EventJson.Options)!, ct);
}
