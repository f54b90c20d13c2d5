using System.Text.Json;
using System.Text.Json.Serialization;
using ExecutionLayer.ServiceDefaults.Json;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace ExecutionLayer.Store;

/// <summary>
/// How every service's Marten store is built: its schema, the event metadata the ledger and the one-trace
/// guarantee read, and the settings that decide whether an event can be skipped. One place, so that no
/// service can build a store that loses a late-committing event.
/// </summary>
public static class StoreConfiguration
{
    /// <param name="types">The service's event types under their stable names; nothing else may be appended.</param>
    public static void Apply(StoreOptions options, string schema, Types.EventTypes types)
    {
        options.DatabaseSchemaName = schema;
        options.Events.DatabaseSchemaName = schema;
        // The JSON the ledger, the audit feed and timer payloads have always had (Types.EventJson): camelCase members,
        // enums by camelCase name, instants in UTC. Ours go first so they win over the converters Marten adds.
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
        {
            json.NumberHandling = JsonNumberHandling.Strict;
            json.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            json.Converters.Insert(1, new UtcDateTimeOffsetConverter());
        });
        // Quick appends: one round trip per batch and no sequence burned by a losing writer (measured, MARTEN.md).
        options.Events.AppendMode = EventAppendMode.Quick;
        // Streams keep the ids they have always had ("action-{id}", "policy-{id}"): the ledger, timers and links name them.
        options.Events.StreamIdentity = StreamIdentity.AsString;
        // The daemon looks for new events every 100 ms when idle (Marten's default is a second): a webhook notice or a
        // published integration event follows its commit within about that, and each hop between services adds no
        // more. Polling, not Marten's LISTEN/NOTIFY wake-up: NOTIFY serialises committing appends on PostgreSQL's
        // notification lock, and cost a quarter of the single-event append rate here (docs/benchmarks.md).
        options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(100);
        options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Storage.ExtendedSchemaObjects.Add(Inbox.InboxTable.In(schema));
        options.Storage.ExtendedSchemaObjects.Add(Deadlines.DeadlinesTable.In(schema));
        options.Storage.ExtendedSchemaObjects.Add(Intake.IntakeKeysTable.In(schema));
        types.ApplyTo(options);
        NothingSkipped.Pin(options);
    }
}
