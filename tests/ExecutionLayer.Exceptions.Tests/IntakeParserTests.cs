using System.Text.Json;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class IntakeParserTests
{
    private readonly IntakeParser _parser = new(new HashSet<string> { "OH-DAYTON" });

    private (IntakeEvent? Event, IntakeRejection? Rejection) Parse(string json) => _parser.Parse(JsonDocument.Parse(json).RootElement);

    private static string Event(string type, string data, string site = "OH-DAYTON", string extra = "") =>
        $$"""{"specversion":"1.0","id":"e-1","source":"mes-cnc","type":"{{type}}","site":"{{site}}","subject":"work-center/CNC-4","time":"2026-11-23T09:05:00Z","data":{{data}}{{extra}}}""";

    /// <summary>A running CNC-4 with the envelope attribute given (or removed, as null) replaced.</summary>
    private static string Running(string attribute, string? json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Event("MachineStateChanged", """{"workCenter":"CNC-4","state":"running"}"""))!.AsObject();
        node.Remove(attribute);
        if (json is not null) node[attribute] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return node.ToJsonString();
    }

    [Fact]
    public void A_machine_stop_is_accepted_as_a_typed_fact()
    {
        var (e, rejection) = Parse(Event("MachineStateChanged", """{"workCenter":"CNC-4","state":"down","reasonCode":"SP-101","reason":"spindle fault"}"""));
        Assert.Null(rejection);
        Assert.Equal(new MachineStateChanged("CNC-4", MachineState.Down, "SP-101", "spindle fault"), e!.Fact);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.Zero), e.OccurredAt);
    }

    [Fact]
    public void The_cloudevents_time_is_the_occurrence_time_in_utc() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.Zero), Parse(Running("time", "\"2026-11-23T04:05:00-05:00\"")).Event!.OccurredAt);

    [Theory]
    [InlineData("urn:ga-albany:mes:line-5")]
    [InlineData("/ga-albany/mes")]
    [InlineData("https://mes.ga-albany.example/line-5")]
    [InlineData("sap-oh")]
    public void Any_uri_reference_is_a_source_and_is_kept_as_sent(string source) =>
        Assert.Equal(source, Parse(Running("source", $"\"{source}\"")).Event!.Source);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/vnd.ga-albany.mes+json; charset=utf-8")]
    public void Json_data_in_any_json_content_type_is_read(string contentType) =>
        Assert.Null(Parse(Running("datacontenttype", $"\"{contentType}\"")).Rejection);

    [Fact]
    public void Data_sent_base64_in_a_json_content_type_is_read()
    {
        var data = Convert.ToBase64String("""{"workCenter":"CNC-4","state":"down","reasonCode":"SP-101"}"""u8);
        var json = Running("data", null).Replace("\"specversion\"", $"\"data_base64\":\"{data}\",\"specversion\"");
        Assert.Equal(new MachineStateChanged("CNC-4", MachineState.Down, "SP-101", null), Parse(json).Event!.Fact);
    }

    [Fact]
    public void Data_in_a_content_type_that_is_not_json_is_refused_naming_datacontenttype()
    {
        var json = Running("data", "\"CNC-4 down\"").Replace("\"specversion\"", "\"datacontenttype\":\"text/plain\",\"specversion\"");
        Assert.Equal(("Unsupported data content type", "datacontenttype"), Parse(json) is { Rejection: { } r } ? (r.Title, r.Field) : default);
    }

    [Theory]
    [InlineData("id", "Missing attribute")]
    [InlineData("source", "Missing attribute")]
    [InlineData("type", "Missing attribute")]
    [InlineData("specversion", "Missing attribute")]
    [InlineData("subject", "Missing attribute")]
    [InlineData("site", "Missing attribute")]
    [InlineData("time", "Missing time")]
    [InlineData("data", "Missing data")]
    public void A_missing_attribute_the_intake_needs_is_named(string attribute, string title) =>
        Assert.Equal((title, attribute), Parse(Running(attribute, null)) is { Rejection: { } r } ? (r.Title, r.Field) : default);

    [Fact]
    public void The_name_occurredAt_from_before_cloudevents_is_refused_saying_time_is_its_name()
    {
        var rejection = Parse(Running("time", null).Replace("\"specversion\"", "\"occurredAt\":\"2026-11-23T09:05:00Z\",\"specversion\"")).Rejection!;
        Assert.Equal("occurredAt", rejection.Field);
        Assert.Contains("'time'", rejection.Detail);
    }

    [Theory]
    [InlineData("MachineStateChanged", """{"workCenter":"CNC-4","state":"exploded"}""", "Invalid data")]
    [InlineData("MachineStateChanged", """{"state":"down"}""", "Invalid data")]
    [InlineData("SalesOrderConfirmed", """{"orderId":"SO-1","customer":"Acme","item":"AX","quantity":"400","promiseDate":"2026-11-27T17:00:00Z","value":1,"currency":"USD"}""", "Invalid data")]
    [InlineData("SalesOrderConfirmed", """{"orderId":"SO-1","customer":"Acme","item":"AX","quantity":-4,"promiseDate":"2026-11-27T17:00:00Z","value":1,"currency":"USD"}""", "Invalid data")]
    [InlineData("SalesOrderConfirmed", """{"orderId":"SO-1","customer":"Acme","item":"AX","quantity":1e400,"promiseDate":"2026-11-27T17:00:00Z","value":1,"currency":"USD"}""", "Invalid data")]
    [InlineData("LotProduced", """{"lotId":"L-1","item":"AX","quantity":1,"fromLots":["L-1"]}""", "Invalid data")]
    [InlineData("MachineExploded", """{}""", "Unknown type")]
    public void Data_that_does_not_fit_the_type_is_rejected_with_a_reason(string type, string data, string title)
    {
        var (e, rejection) = Parse(Event(type, data));
        Assert.Null(e);
        Assert.Equal(title, rejection!.Title);
    }

    [Fact]
    public void An_unknown_site_is_rejected() =>
        Assert.Equal("Unknown site", Parse(Event("MachineStateChanged", """{"workCenter":"CNC-4","state":"down"}""", site: "XX-NOWHERE")).Rejection!.Title);

    [Fact]
    public void A_nul_character_anywhere_is_rejected_naming_the_field_and_the_rule()
    {
        var rejection = Parse(Event("MachineStateChanged", """{"workCenter":"CNC\u00004","state":"down","vendorNote":"x\u0000"}""")).Rejection!;
        Assert.Equal(("data.workCenter", "nul-character"), (rejection.Field, rejection.Rule));
    }

    [Fact]
    public void An_unpaired_surrogate_in_a_field_an_erp_added_is_rejected_too() =>
        Assert.Equal(("data.vendorNote", "unpaired-surrogate"),
            Parse(Event("MachineStateChanged", """{"workCenter":"CNC-4","state":"down","vendorNote":"\ud800"}""")) is { Rejection: { } r } ? (r.Field, r.Rule) : default);

    [Fact]
    public void An_id_in_the_data_is_at_most_a_names_length_and_a_reason_is_free_text()
    {
        var longId = Parse(Event("QualityHoldRaised", $$"""{"holdId":"{{new string('h', 201)}}","lotId":"L-1","reason":"hardness"}""")).Rejection!;
        Assert.Equal(("data.holdId", "too-long"), (longId.Field, longId.Rule));
        Assert.Null(Parse(Event("QualityHoldRaised", $$"""{"holdId":"QH-1","lotId":"L-1","reason":"{{new string('r', 3_000)}}"}""")).Rejection);
    }

    [Theory]
    [InlineData("source", "\"MES CNC\"", "Invalid source")]
    [InlineData("source", "\"sap|oh\"", "Invalid source")]
    [InlineData("time", "\"yesterday\"", "Not a CloudEvent")]
    [InlineData("specversion", "\"0.3\"", "Unsupported spec version")]
    [InlineData("specversion", "\"2.0\"", "Unsupported spec version")]
    [InlineData("id", "5", "Not a CloudEvent")]
    [InlineData("Site", "\"OH-DAYTON\"", "Not a CloudEvent")]
    public void Envelope_problems_are_named(string attribute, string json, string title) => Assert.Equal(title, Parse(Running(attribute, json)).Rejection!.Title);

    [Theory]
    [InlineData("specversion", "\"2.0\"", "unknown-value")]
    [InlineData("specversion", "1", "wrong-type")]
    [InlineData("id", "5", "wrong-type")]
    [InlineData("time", "true", "wrong-type")]
    [InlineData("type", "\"MachineStopped\"", "unknown-value")]
    [InlineData("datacontenttype", "\"text/csv\"", "unknown-value")]
    public void An_envelope_problem_names_its_rule_for_a_clients_code(string attribute, string json, string rule) =>
        Assert.Equal((attribute, rule), Parse(Running(attribute, json)) is { Rejection: { } r } ? (r.Field, r.Rule) : default);

    [Fact]
    public void A_member_naming_who_acts_is_no_attribute_and_is_refused_as_an_unknown_field() =>
        Assert.Equal(("onBehalfOf", "unknown-field"), Parse(Running("onBehalfOf", "\"mallory.other\"")) is { Rejection: { } r } ? (r.Field, r.Rule) : default);

    [Fact]
    public void An_element_that_is_not_an_object_is_not_an_event() => Assert.Equal("Not an event", Parse("[1,2]").Rejection!.Title);
}
