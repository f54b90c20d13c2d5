using System.Net;
using System.Text.Json;
using ExecutionLayer.Audit.Ledger;
using ExecutionLayer.Contracts.Audit;
using Npgsql;

namespace ExecutionLayer.Audit.Tests;

/// <summary>The feed into the ledger: exactly once per publication, chained, with the subjects an auditor asks by.</summary>
public sealed class LedgerTests(AuditApp app) : IClassFixture<AuditApp>
{
    [Fact]
    public async Task A_redelivered_publication_adds_nothing_whether_it_keeps_its_message_id_or_not()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        var first = Feed.Event("redelivery", 1);
        await app.FeedAsync(before + 1, first);

        // The page again under its id, then cut differently (a crashed outbox reads its page again, maybe with more in it),
        // then the event alone as an older publisher sent it, with and without its id.
        await app.Bus.PublishAsync(new DomainEventsRecorded("redelivery", [first]), Messaging.Outbox.EventOutbox.AuditPageId("redelivery", 1, 1));
        await app.Bus.PublishAsync(new DomainEventsRecorded("redelivery", [first]), Guid.NewGuid());
        await app.Bus.PublishAsync(first, Messaging.Outbox.EventOutbox.AuditEntryId(first.Source, first.EventId));
        await app.Bus.PublishAsync(first, Guid.NewGuid());
        var second = Feed.Event("redelivery", 2);
        await app.FeedAsync(before + 3, first, second, Feed.Event("redelivery", 3));

        Assert.Equal(1, await app.CountAsync($"SELECT count(*) FROM audit.ledger WHERE source_event_id = '{first.EventId}'"));
        Assert.Equal(3, await app.CountAsync("SELECT count(*) FROM audit.ledger WHERE source = 'redelivery'"));
        Assert.True((await app.VerifyAsync()).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task An_event_an_older_publisher_sent_alone_is_recorded_under_its_message_id_as_one_in_a_page_is()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        var alone = Feed.Event("upgrading", 1);
        await app.Bus.PublishAsync(alone, Messaging.Outbox.EventOutbox.AuditEntryId(alone.Source, alone.EventId));
        await app.LedgerHoldsAsync(before + 1);
        var paged = Feed.Event("upgrading", 2);
        await app.FeedAsync(before + 2, paged);

        Assert.Equal([$"{Messaging.Outbox.EventOutbox.AuditEntryId("upgrading", alone.EventId)}", $"{Messaging.Outbox.EventOutbox.AuditEntryId("upgrading", paged.EventId)}"],
            await app.StringsAsync("SELECT message_id::text FROM audit.ledger WHERE source = 'upgrading' ORDER BY source_sequence"));
    }

    [Fact]
    public async Task An_entry_keeps_the_envelope_the_subjects_in_its_payload_and_its_place_in_the_chain()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        var approvalId = Guid.NewGuid();
        var hold = Feed.Event("envelope", 1, "exceptions.hold-propagated", new
        {
            holdId = "QH-1", lots = new[] { "L-5521", "L-6001" }, blockedProductionOrders = new[] { "PR-77" }, blockedShipments = new[] { "SH-900" },
            commitments = new[] { new { salesOrderId = "SO-1001", customer = "Acme Axles" } }, approvalId,
        }, streamId: $"case-{Guid.NewGuid()}", correlationId: "case-hold", causationId: Guid.NewGuid().ToString(), actor: "exceptions:detector");
        await app.FeedAsync(before + 1, hold);

        var entry = (await app.GetAsync("/audit/entries?subject=lot/L-6001")).GetProperty("entries").EnumerateArray().Single();
        Assert.Equal(hold.EventId, entry.GetProperty("sourceEventId").GetGuid());
        Assert.Equal(["approval/" + approvalId, hold.StreamId.Replace("case-", "case/", StringComparison.Ordinal), "hold/QH-1", "lot/L-5521", "lot/L-6001",
            "production-order/PR-77", "sales-order/SO-1001", "shipment/SH-900"], entry.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(("envelope", 1L, "case-hold", "exceptions:detector", "OH-DAYTON"), (entry.GetProperty("source").GetString(), entry.GetProperty("sourceSequence").GetInt64(),
            entry.GetProperty("correlationId").GetString(), entry.GetProperty("actor").GetString(), entry.GetProperty("site").GetString()));

        var sequence = entry.GetProperty("sequence").GetInt64();
        if (sequence > 1)
        {
            var previous = await app.GetAsync($"/audit/entries/{sequence - 1}");
            Assert.Equal(previous.GetProperty("hash").GetString(), entry.GetProperty("prevHash").GetString());
        }
        Assert.True((await app.VerifyAsync()).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Entries_by_actor_come_in_keyset_pages_and_all_at_once_as_ndjson()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        await app.FeedAsync(before + 7, Enumerable.Range(1, 7).Select(i => Feed.Event("paging", i, actor: "ines.inspector", site: "TN-SMYRNA")).ToArray());

        var pages = new List<int>();
        long? after = 0;
        while (after is { } a)
        {
            var page = await app.GetAsync($"/audit/entries?actor=ines.inspector&site=TN-SMYRNA&limit=3&after={a}");
            pages.Add(page.GetProperty("entries").GetArrayLength());
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        Assert.Equal([3, 3, 1], pages);

        var ndjson = await app.GetTextAsync("/audit/entries?actor=ines.inspector&format=ndjson");
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.Equal("ines.inspector", JsonDocument.Parse(l).RootElement.GetProperty("actor").GetString()));
        Assert.Equal(0, (await app.GetAsync("/audit/entries?actor=ines.inspector&site=OH-DAYTON")).GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Completeness_names_the_publication_that_never_arrived()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        await app.FeedAsync(before + 4, Feed.Event("lossy", 1), Feed.Event("lossy", 2), Feed.Event("lossy", 4), Feed.Event("lossy", 5));

        var report = await app.GetAsync("/audit/completeness");
        Assert.False(report.GetProperty("complete").GetBoolean());
        var lossy = report.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source").GetString() == "lossy");
        Assert.Equal((4L, 5L, 1L), (lossy.GetProperty("received").GetInt64(), lossy.GetProperty("highest").GetInt64(), lossy.GetProperty("missingCount").GetInt64()));
        var gap = lossy.GetProperty("missing").EnumerateArray().Single();
        Assert.Equal((3L, 3L), (gap.GetProperty("from").GetInt64(), gap.GetProperty("to").GetInt64()));
    }

    [Fact]
    public async Task The_services_role_can_only_insert_and_read_and_the_trigger_refuses_even_the_superuser()
    {
        var before = await app.CountAsync("SELECT count(*) FROM audit.ledger");
        await app.FeedAsync(before + 1, Feed.Event("guarded", 1));

        await using (var service = new NpgsqlConnection(app.AppendRoleConnectionString))
        {
            await service.OpenAsync();
            foreach (var sql in new[] { "UPDATE audit.ledger SET actor = 'mallory'", "DELETE FROM audit.ledger", "TRUNCATE audit.ledger", "UPDATE audit.checkpoints SET key_id = 'x'" })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, service).ExecuteNonQueryAsync());
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
                Assert.Contains("permission denied", refused.MessageText, StringComparison.Ordinal);
            }
        }

        await using var superuser = new NpgsqlConnection(app.Database.AdminConnectionString);
        await superuser.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit.ledger SET actor = 'mallory'", "DELETE FROM audit.ledger", "TRUNCATE audit.ledger" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand(sql, superuser).ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM audit.ledger WHERE actor = 'mallory'"));
        Assert.True(await app.CountAsync("SELECT count(*) FROM audit.ledger") > before);
    }

    [Fact]
    public async Task Bad_questions_get_problem_responses()
    {
        foreach (var (path, status) in new[]
        {
            ("/audit/entries?subject=SO-1001", HttpStatusCode.BadRequest), ("/audit/entries?limit=0", HttpStatusCode.BadRequest),
            ("/audit/timeline", HttpStatusCode.BadRequest), ("/audit/timeline?correlationId=nothing-here", HttpStatusCode.NotFound),
            ("/audit/verify?from=5&to=2", HttpStatusCode.BadRequest), ("/audit/export", HttpStatusCode.BadRequest),
            ("/audit/decisions/999999", HttpStatusCode.NotFound), ($"/audit/state/invoice/{Guid.NewGuid()}", HttpStatusCode.NotFound),
        })
        {
            var response = await app.RawAsync(path);
            Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_public_key_served_is_the_one_that_signs() =>
        Assert.Equal(KeyIds.Of(app.SigningKey), (await app.GetAsync("/audit/keys")).GetProperty("currentKeyId").GetString());
}
