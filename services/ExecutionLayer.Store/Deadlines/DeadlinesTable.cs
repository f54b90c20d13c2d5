using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ExecutionLayer.Store.Deadlines;

/// <summary>
/// Durable timers (SLA escalation, overdue ladders), one of the store's own schema objects. A deadline fires
/// once: <c>fired_at</c> is set in the handler's transaction.
/// </summary>
internal static class DeadlinesTable
{
    public const string Name = "deadlines";

    public static Table In(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("deadline_id").AsPrimaryKey();
        table.AddColumn<string>("stream_id").NotNull();
        table.AddColumn<string>("kind").NotNull();
        table.AddColumn("payload", "jsonb").NotNull();
        table.AddColumn("due_at", "timestamptz").NotNull();
        table.AddColumn("next_attempt_at", "timestamptz").NotNull();
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn<string>("last_error");
        table.AddColumn("created_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        table.AddColumn("fired_at", "timestamptz");
        table.AddColumn("cancelled_at", "timestamptz");
        // The poller's claim: the earliest pending attempt.
        table.Indexes.Add(new IndexDefinition("ix_deadlines_pending") { Columns = ["next_attempt_at"], Predicate = "fired_at IS NULL AND cancelled_at IS NULL" });
        return table;
    }
}
