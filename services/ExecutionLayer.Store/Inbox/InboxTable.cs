using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ExecutionLayer.Store.Inbox;

/// <summary>
/// One row per (consumer, message) handled. Marten manages it with the store's own tables, so it is created
/// and migrated by the same step as the event tables.
/// </summary>
internal static class InboxTable
{
    public const string Name = "inbox";

    public static Table In(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("consumer").AsPrimaryKey();
        table.AddColumn<Guid>("message_id").AsPrimaryKey();
        table.AddColumn("handled_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        return table;
    }
}
