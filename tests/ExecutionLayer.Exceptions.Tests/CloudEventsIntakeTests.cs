using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Tests;

/// <summary>
/// The intake as a CloudEvents 1.0 receiver, fed events made by the CloudNative.CloudEvents SDK's own
/// formatter in each HTTP content mode: structured, batched and binary.
/// </summary>
public sealed class CloudEventsIntakeTests(ExceptionsApp app) : IClassFixture<ExceptionsApp>
{
    private const string Line5 = "urn:ga-albany:mes:line-5";
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Line 5's MES reporting a work center running — an event the SDK can write in any mode.</summary>
    private static CloudEvent Running(string id, string workCenter, string source = Line5, DateTimeOffset? at = null) => new([IntakeParser.Site])
    {
        Id = id,
        Source = new Uri(source, UriKind.RelativeOrAbsolute),
        Type = "MachineStateChanged",
        Subject = $"work-center/{workCenter}",
        Time = at ?? PlantDay.Monday.AddHours(9),
        DataContentType = "application/json",
        Data = new { workCenter, state = "running" },
        [IntakeParser.Site] = "OH-DAYTON",
    };

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpContent content)
    {
        using var response = await app.Client.PostAsync("/events", content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string[] Statuses(JsonElement body) => [.. body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetString()!)];

    private Task<List<string>> StoredAsync(string id, string column = "data->>'source'") =>
        app.StringsAsync($"SELECT {column} FROM exceptions.mt_events WHERE type = 'intake.operational-event-received' AND data->>'sourceEventId' = '{id}'");

    [Fact]
    public async Task A_structured_event_from_the_sdk_is_stored_under_its_urn_source()
    {
        var (status, body) = await PostAsync(Running("ce-structured", "L5-CNC-1").ToHttpContent(ContentMode.Structured, Formatter));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["accepted"], Statuses(body));
        Assert.Equal([Line5], await StoredAsync("ce-structured"));
    }

    [Fact]
    public async Task A_binary_mode_event_is_read_from_its_ce_headers_with_time_as_the_occurrence_time()
    {
        var at = new DateTimeOffset(2026, 11, 23, 4, 7, 0, TimeSpan.FromHours(-5));
        var content = Running("ce-binary", "L5-CNC-2", source: "/ga-albany/mes", at: at).ToHttpContent(ContentMode.Binary, Formatter);
        Assert.True(content.Headers.Contains("ce-specversion"));

        var (status, body) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["accepted"], Statuses(body));
        Assert.Equal(["/ga-albany/mes"], await StoredAsync("ce-binary"));
        var occurredAt = DateTimeOffset.Parse((await StoredAsync("ce-binary", "data->>'occurredAt'")).Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(at, occurredAt);
        Assert.Equal(["L5-CNC-2"], await StoredAsync("ce-binary", "data->'data'->>'workCenter'"));
    }

    [Fact]
    public async Task A_batch_from_the_sdk_mixing_good_and_bad_events_stores_the_good_and_names_what_is_wrong_with_each_bad_one()
    {
        var noSubject = Running("ce-mix-no-subject", "L5-CNC-3");
        noSubject.Subject = null;
        var plainText = Running("ce-mix-text", "L5-CNC-3");
        plainText.DataContentType = "text/plain";
        plainText.Data = "CNC-3 running";
        var elsewhere = Running("ce-mix-elsewhere", "L5-CNC-3");
        elsewhere[IntakeParser.Site] = "XX-NOWHERE";
        var teleported = Running("ce-mix-teleported", "L5-CNC-3");
        teleported.Type = "Teleported";
        IReadOnlyList<CloudEvent> batch = [Running("ce-mix-ok-1", "L5-CNC-3"), noSubject, plainText, elsewhere, teleported, Running("ce-mix-ok-2", "L5-CNC-4")];

        var (status, body) = await PostAsync(batch.ToHttpContent(Formatter));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(["accepted", "rejected", "rejected", "rejected", "rejected", "accepted"], Statuses(body));
        var fields = body.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetString() == "rejected")
            .Select(r => (r.GetProperty("id").GetString(), r.GetProperty("problem").GetProperty("field").GetString())).ToList();
        Assert.Equal([("ce-mix-no-subject", "subject"), ("ce-mix-text", "datacontenttype"), ("ce-mix-elsewhere", "site"), ("ce-mix-teleported", "type")], fields);
        Assert.Equal([Line5], await StoredAsync("ce-mix-ok-2"));
        Assert.Empty(await StoredAsync("ce-mix-elsewhere"));
    }

    [Fact]
    public async Task The_same_source_and_id_is_one_event_whichever_mode_brings_it_and_another_source_may_reuse_the_id()
    {
        var first = await PostAsync(Running("ce-once", "L5-CNC-5").ToHttpContent(ContentMode.Structured, Formatter));
        var again = await PostAsync(Running("ce-once", "L5-CNC-5").ToHttpContent(ContentMode.Binary, Formatter));
        IReadOnlyList<CloudEvent> batch = [Running("ce-once", "L5-CNC-5"), Running("ce-once", "L5-CNC-5", source: "urn:ga-albany:mes:line-6")];
        var batched = await PostAsync(batch.ToHttpContent(Formatter));

        Assert.Equal(["accepted"], Statuses(first.Body));
        Assert.Equal(["duplicate"], Statuses(again.Body));
        Assert.Equal(["duplicate", "accepted"], Statuses(batched.Body));
        Assert.Equal([Line5, "urn:ga-albany:mes:line-6"], (await StoredAsync("ce-once")).Order());
    }

    [Fact]
    public async Task A_binary_mode_body_that_is_not_json_is_refused_naming_data()
    {
        var content = Running("ce-binary-bad", "L5-CNC-6").ToHttpContent(ContentMode.Binary, Formatter);
        var headers = content.Headers.Where(h => h.Key.StartsWith("ce-", StringComparison.Ordinal)).ToList();
        var broken = new StringContent("{\"workCenter\":", Encoding.UTF8, "application/json");
        foreach (var (name, values) in headers) broken.Headers.Add(name, values);

        var (status, body) = await PostAsync(broken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var problem = body.GetProperty("results")[0].GetProperty("problem");
        Assert.Equal(("data", "malformed-json"), (problem.GetProperty("field").GetString(), problem.GetProperty("rule").GetString()));
        Assert.Empty(await StoredAsync("ce-binary-bad"));
    }

    [Fact]
    public async Task A_body_in_no_cloudevents_content_mode_is_415_and_a_structured_body_holding_a_batch_is_400()
    {
        var (text, textBody) = await PostAsync(new StringContent("CNC-4 down", Encoding.UTF8, "text/plain"));
        var events = Formatter.EncodeBatchModeMessage([Running("ce-wrong-mode", "L5-CNC-7")], out _);
        var (wrapped, wrappedBody) = await PostAsync(new ByteArrayContent(events.ToArray()) { Headers = { { "Content-Type", "application/cloudevents+json" } } });

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest), (text, wrapped));
        Assert.Contains("application/cloudevents-batch+json", textBody.GetProperty("detail").GetString());
        Assert.Equal("Not one event", wrappedBody.GetProperty("title").GetString());
        Assert.Empty(await StoredAsync("ce-wrong-mode"));
    }

    [Fact]
    public async Task An_event_whose_id_is_not_text_is_refused_naming_the_id_without_echoing_it()
    {
        // A lone surrogate cannot be written into any answer: echoing it back made the whole batch a 500.
        var json = "[{\"specversion\":\"1.0\",\"id\":\"ce-\\ud800-bad\",\"source\":\"" + Line5 + "\",\"type\":\"MachineStateChanged\",\"subject\":\"work-center/L5-CNC-8\"," +
            "\"site\":\"OH-DAYTON\",\"time\":\"2026-11-16T09:00:00Z\",\"data\":{\"workCenter\":\"L5-CNC-8\",\"state\":\"running\"}}]";

        var (status, body) = await PostAsync(new StringContent(json, Encoding.UTF8, "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var result = body.GetProperty("results")[0];
        Assert.Equal(JsonValueKind.Null, result.GetProperty("id").ValueKind);
        Assert.Equal(("id", "unpaired-surrogate"), (result.GetProperty("problem").GetProperty("field").GetString(), result.GetProperty("problem").GetProperty("rule").GetString()));
    }
}
