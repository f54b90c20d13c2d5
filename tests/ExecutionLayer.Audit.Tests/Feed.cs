using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Contracts.Audit;
using ExecutionLayer.ServiceDefaults.Json;

namespace ExecutionLayer.Audit.Tests;

/// <summary>Audit-feed publications as a service's outbox makes them, and ledger entries for the pure tests.</summary>
public static class Feed
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 9, 5, 0, TimeSpan.Zero);

    public static DomainEventRecorded Event(string source, long sequence, string eventType = "approvals.decision-recorded", object? payload = null,
        string? streamId = null, string? correlationId = "case-1", string? causationId = null, string? actor = "pat.plant", string site = "OH-DAYTON",
        Guid? eventId = null, DateTimeOffset? at = null) =>
        new(source, sequence, eventId ?? Guid.NewGuid(), sequence * 10, streamId ?? $"approval-{Guid.NewGuid()}", "approval", 1, eventType, 1,
            JsonSerializer.Serialize(payload ?? new { salesOrderId = "SO-1001", amount = 18_000m, lots = new[] { "L-5521" } }, JsonDefaults.Options),
            correlationId, causationId, actor, site, at ?? Monday.AddMinutes(sequence), at ?? Monday.AddMinutes(sequence));

    public static LedgerEntry Entry(long sequence, string actor = "pat.plant") => new(
        sequence, Guid.NewGuid(), "approvals", sequence, Guid.NewGuid(), sequence * 10, $"approval-{Guid.NewGuid()}", "approval", 1, "approvals.decision-recorded", 1,
        ["approval/x", "sales-order/SO-1001"], "case-1", null, actor, "OH-DAYTON", Monday, Monday, Monday.AddSeconds(1),
        CanonicalJson.Canonicalize("""{"verdict":"approve","amount":18000.00,"salesOrderId":"SO-1001"}"""));
}
