using Npgsql;

namespace ExecutionLayer.EventSourcing.Inbox;

/// <summary>
/// Exactly-once effects from at-least-once delivery: the consumer's work and the inbox mark commit in
/// one transaction. A redelivered or re-published message finds the mark (or waits on the first
/// attempt's uncommitted one) and has no second effect.
/// </summary>
public sealed class MessageInbox(EventStore store)
{
    private readonly string _mark = $"INSERT INTO {store.Schema}.inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";

    /// <returns>True when the work ran; false when the message had already been handled.</returns>
    public async Task<bool> HandleOnceAsync(string consumer, Guid messageId, Func<UnitOfWork, Task> work, CancellationToken ct = default)
    {
        await using var uow = await store.BeginAsync(ct);
        await using (var mark = uow.CreateCommand(_mark))
        {
            mark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            if (await mark.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        await work(uow);
        await uow.CommitAsync(ct);
        return true;
    }
}
