using ExecutionLayer.Contracts.Changes;
using ExecutionLayer.Contracts.Exceptions;
using ExecutionLayer.Exceptions.Changes;
using ExecutionLayer.Contracts.Sites;
using ExecutionLayer.Exceptions.Sites;
using ExecutionLayer.Exceptions.Cases;
using ExecutionLayer.Exceptions.Intake;
using ExecutionLayer.Store.Metadata;
using JasperFx.Events;
using ExecutionLayer.Messaging.Outbox;
using ExecutionLayer.Exceptions.Graph;
using ExecutionLayer.Exceptions.MeasuringFlow;
using ExecutionLayer.Exceptions.Recommendations;
using ExecutionLayer.Contracts.Recommendations;

namespace ExecutionLayer.Exceptions;

/// <summary>
/// What the exceptions service promises others — from its intake and its flow measurement (KPI readings), its cases, its governed
/// changes, its recommendations and its site registry; its domain events stay its own.
/// </summary>
internal sealed class ExceptionsEventMapper : IEventMapper
{
    public IEnumerable<object> Map(IEvent stored)
    {
        if (stored.Data is OperationalEventReceived received)
        {
            if (received.Type == "KpiMeasured" && FactTypes.Read(received.Type, received.Data) is KpiMeasured kpi)
                yield return new KpiMeasurementReceived(received.Source, received.SourceEventId, received.Site, kpi.Kpi, kpi.Value, kpi.Unit, kpi.MeasuredAt);
            yield break;
        }

        var site = Provenance.Of(stored).Site ?? "";
        switch (stored.Data)
        {
            case Site.Event.Registered e:
                yield return new SitePublished(e.Code, e.Name, e.TimeZone, e.Currency, stored.Version, e.RegisteredAt);
                break;
            case Site.Event.Changed e:
                yield return new SitePublished(e.Code, e.Name, e.TimeZone, e.Currency, stored.Version, e.ChangedAt);
                break;
            case ExceptionCase.Event.Opened e:
                yield return new ExceptionCaseOpened(e.CaseId, e.Kind.ToString(), e.Site, e.Summary, e.TriggerSubject, e.OpenedAt);
                break;
            case ExceptionCase.Event.HoldPropagated e:
                yield return new QualityHoldPropagated(e.CaseId, e.HoldId, e.LotId, site, e.Lots, e.BlockedProductionOrders, e.BlockedShipments, e.RaisedAt, e.PropagatedAt);
                break;
            case ExceptionCase.Event.Routed e:
                // Cases routed before Routed carried its impact (stored without the field) are published with none rather than stall the outbox.
                var impact = e.Impact ?? Impact.None;
                foreach (var function in e.Functions)
                    yield return new ActionRequested(CaseAction.RequestIdFor(e.CaseId, function.Function), e.CaseId, site,
                        function.Function, function.OwnerRole, $"Respond to exception case {e.CaseId} ({function.Function})", e.Severity.ToString(),
                        impact.ProductionOrders, impact.Shipments, impact.ValueAtRisk, e.RoutedAt);
                break;
            case ExceptionCase.Event.ApprovalRequested e:
                yield return new ApprovalNeeded(e.RequestId, e.CaseId, site, e.SubjectType, e.SubjectId, e.Amount, e.Currency,
                    e.Severity.ToString(), e.Requester, e.Reason, ContextOf(e), e.RequestedAt, e.RequestedBy);
                break;
            case ExceptionCase.Event.Escalated e:
                yield return new ExceptionCaseEscalated(e.CaseId, site, e.Level, e.NotifyRole, e.Severity.ToString(), e.EscalatedAt);
                break;
            case ExceptionCase.Event.Resolved e:
                yield return new ExceptionCaseResolved(e.CaseId, site, e.Reason, e.ResolvedAt);
                break;
            case ExceptionCase.Event.Closed e:
                yield return new ExceptionCaseClosed(e.CaseId, site, e.ClosedAt);
                break;
            case ChangeRequest.Event.Requested { ApprovalRequestId: { } requestId, SubjectType: { } subjectType } e:
                yield return new ChangeApprovalNeeded(requestId, e.ChangeId, site, subjectType, $"{e.Entity}/{e.EntityId}/{e.Field}",
                    CaseDecisions.SeverityOf(CaseKind.UngovernedChange, e.Impact, e.RequestedAt).ToString(), e.Requester, e.Reason, ChangeContextOf(e), e.RequestedAt,
                    e.RequestedBy);
                break;
            case FlowReadings.Measured e:
                foreach (var reading in e.Readings)
                    yield return new KpiMeasurementReceived(FlowReadings.Source, $"{e.Site}/{reading.Kpi}/{e.To:O}", e.Site, reading.Kpi, reading.Value, reading.Unit, e.MeasuredAt);
                break;
            case Recommendation.Event.RoutedForApproval e:
                yield return new RecommendationApprovalNeeded(e.RequestId, e.RecommendationId, site, e.SubjectType, e.RecommendationId.ToString(), e.Amount, e.Currency,
                    e.Severity, e.Requester, $"Recommended by {e.Source.System} ({e.Source.Model} {e.Source.ModelVersion}): {string.Join("; ", e.ProposedActions)}",
                    RecommendationContexts.AsRouted(e), e.ExpiresAt, e.RoutedAt);
                break;
            case Recommendation.Event.Accepted e:
                yield return new RecommendationAccepted(e.RecommendationId, site, e.Source.System, e.Source.Model, e.AcceptedBy, e.ApprovalId, e.Effect.Kpi,
                    e.Effect.WithinDays, [.. e.Work.Select(w => new RecommendedWork(w.RequestId, w.Action.Slug, w.Title, w.Description, w.Function, w.OwnerRole,
                        w.Action.DueInDays))], e.AcceptedAt);
                foreach (var w in e.Work.Where(w => w.Action.ChangesErpData))
                {
                    var a = w.Action;
                    yield return new ErpCommandIssued(w.RequestId, e.RecommendationId, site, a.Slug, a.Subject!, a.PurchaseOrderId, a.ProductionOrderId, a.LotId,
                        a.HoldId, a.WorkCenter, a.ToProductionOrderId, a.NeedBy, a.PlannedStart, a.On, a.Quantity, a.Hours, a.Cost, w.Description, e.AcceptedBy,
                        e.AcceptedAt);
                }
                break;
            case ChangeRequest.Event.Granted e:
                yield return new ChangeApproved(e.ChangeId, e.Site, e.Entity, e.EntityId, e.Field, e.From, e.To, e.Reason, e.Requester, e.ApprovedBy, e.ApprovalId,
                    e.GrantedAt);
                break;
        }
    }

    private static ChangeContext ChangeContextOf(ChangeRequest.Event.Requested e) => new(
        e.Entity, e.EntityId, e.Field, e.From, e.To, e.Size, e.SizeUnit, e.Impact.ProductionOrders, e.Impact.Shipments,
        [.. e.Impact.Commitments.Select(c => new CommitmentAtRisk(c.SalesOrderId, c.Customer, c.PromiseDate, c.Value, c.Currency))], e.Impact.ValueAtRisk, e.RequestedAt);

    private static DecisionContext ContextOf(ExceptionCase.Event.ApprovalRequested e) => CaseContext.Of(e.CaseSummary, e.Context, e.RequestedAt);
}
