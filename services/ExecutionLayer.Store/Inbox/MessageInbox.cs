using ExecutionLayer.Store.Writing;
using Marten;
using Npgsql;

namespace ExecutionLayer.Store.Inbox;

/// <summary>
/// Exactly-once effects from at-least-once delivery: the inbox mark and the handler's events commit in one
/// transaction, the one the handler's Marten session is enlisted in. The mark is written first, so a
/// redelivery that races the first attempt waits on its uncommitted mark and then finds it; a handler that
/// throws takes its mark with it and the message is handled again when redelivered.
/// </summary>
public sealed class MessageInbox(IDocumentStore store, NpgsqlDataSource dataSource, TimeProvider clock)
{
    private readonly string _mark =
        $"INSERT INTO {store.Options.DatabaseSchemaName}.{InboxTable.Name} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

    private readonly string _markEach =
        $"INSERT INTO {store.Options.DatabaseSchemaName}.{InboxTable.Name} (consumer, message_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id";

    /// <returns>True when the work ran and committed; false when the message had already been handled.</returns>
    public async Task<bool> HandleOnceAsync(string consumer, Guid messageId, Func<StoreTransaction, Task> work, CancellationToken ct = default)
    {
        await using var tx = await StoreTransaction.BeginAsync(store, dataSource, clock, ct);
        await using (var mark = new NpgsqlCommand(_mark, tx.Connection, tx.Transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            if (await mark.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        await work(tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A batch of messages in one transaction: every one marked, the work run for those not handled before (all of them,
    /// unless some are redeliveries), the marks committed with the effects — as for one message, with one commit for all.
    /// </summary>
    /// <returns>The messages the work ran for (none: every one had been handled, and the work did not run).</returns>
    public async Task<IReadOnlySet<Guid>> HandleEachOnceAsync(
        string consumer, IReadOnlyCollection<Guid> messageIds, Func<StoreTransaction, IReadOnlySet<Guid>, Task> work, CancellationToken ct = default)
    {
        await using var tx = await StoreTransaction.BeginAsync(store, dataSource, clock, ct);
        var fresh = new HashSet<Guid>();
        await using (var mark = new NpgsqlCommand(_markEach, tx.Connection, tx.Transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
            // In one order for every writer, so two batches racing on the same redelivered ids wait for each other, never deadlock.
            mark.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. messageIds.Distinct().Order()] });
            await using var reader = await mark.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) fresh.Add(reader.GetGuid(0));
        }
        if (fresh.Count == 0) return fresh;
        await work(tx, fresh);
        await tx.CommitAsync(ct);
        return fresh;
    }
}
