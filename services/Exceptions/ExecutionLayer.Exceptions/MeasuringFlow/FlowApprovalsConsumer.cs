using ExecutionLayer.Contracts.Approvals;
using ExecutionLayer.Messaging;
using ExecutionLayer.Store.Inbox;
using ExecutionLayer.Store.Postgres;
using MassTransit;

namespace ExecutionLayer.Exceptions.MeasuringFlow;

/// <summary>
/// Every approval granted, whoever asked for it (a case, a planner, a planning system): unplanned overtime and expediting are
/// counted from these. Kept once per approval, however often the grant is delivered.
/// </summary>
public sealed class FlowApprovalsConsumer(MessageInbox inbox, ExecutionLayer.Store.Writing.ServiceStore store) : IConsumer<ApprovalGranted>
{
    public Task Consume(ConsumeContext<ApprovalGranted> context) => context.HandleOnceAsync(inbox, "exceptions:flow-approvals", tx =>
        Sql.ExecAsync(tx.Transaction, $"""
            INSERT INTO {store.Schema}.flow_approvals (approval_id, site, subject_type, granted_at) VALUES ($1, $2, $3, $4) ON CONFLICT (approval_id) DO NOTHING
            """, context.CancellationToken, context.Message.ApprovalId, context.Message.Site, context.Message.SubjectType.Trim().ToLowerInvariant(), context.Message.GrantedAt));
}
