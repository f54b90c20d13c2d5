using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ExecutionLayer.Store.Intake;

/// <summary>
/// One row per (source, id) the intake ever stored, with the id of the event it was stored as. Marten's
/// events table has no unique index on an event id, so this key is what refuses a repeat for ever.
/// </summary>
internal static class IntakeKeysTable
{
    public const string Name = "intake_keys";

    public static Table In(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("source").AsPrimaryKey();
        table.AddColumn<string>("id").AsPrimaryKey();
        table.AddColumn<Guid>("event_id").NotNull();
        table.AddColumn("stored_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        return table;
    }
}
