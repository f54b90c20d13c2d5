using Marten;

namespace ExecutionLayer.Store;

/// <summary>
/// The two daemon settings under which Marten 9 was measured to <em>lose</em> an event whose transaction
/// commits after a later one's (../shared/MARTEN.md): with transaction evidence off, or with a cap on how long
/// a gap is held despite a live appender, the daemon skips the gap and the late event never reaches a
/// subscription or projection. They are Marten's defaults today; they are pinned here so that a default
/// changing in a release, or a service's own configuration, cannot turn them, and <see cref="Verify"/> refuses
/// a store built otherwise. A leaked idle-in-transaction session is bounded by PostgreSQL's
/// <c>idle_in_transaction_session_timeout</c> instead.
/// </summary>
public static class NothingSkipped
{
    public static void Pin(StoreOptions options)
    {
        options.Projections.UseTransactionEvidenceForGapSkipping = true;
        options.Projections.SkipStaleGapsDespiteLiveTransactionsAfter = null;
    }

    /// <summary>Throws if the store's options would let the daemon skip a gap a live transaction may still fill.</summary>
    public static void Verify(StoreOptions options)
    {
        if (!options.Projections.UseTransactionEvidenceForGapSkipping)
            throw new InvalidOperationException(
                "Projections.UseTransactionEvidenceForGapSkipping is off: the async daemon would skip events that commit late. Build stores with StoreConfiguration.Apply.");
        if (options.Projections.SkipStaleGapsDespiteLiveTransactionsAfter is { } cap)
            throw new InvalidOperationException(
                $"Projections.SkipStaleGapsDespiteLiveTransactionsAfter is {cap}: the async daemon would skip events that commit later than that. Leave it unset.");
    }
}
