using System.Text.Json;
using ExecutionLayer.Exceptions.Intake;

namespace ExecutionLayer.Exceptions.Tests;

public sealed class IntakeParserTests
{
    private readonly IntakeParser _parser = new(new HashSet<string> { "OH-DAYTON" });

    private (IntakeEvent? Event, IntakeRejection? Rejection) Parse(string json) => _parser.Parse(JsonDocument.Parse(json).RootElement);

    private static string Event(string type, string data, string site = "OH-DAYTON", string extra = "") =>
        $$"""{"id":"e-1","source":"mes-cnc","type":"{{type}}","site":"{{site}}","subject":"work-center/CNC-4","occurredAt":"2026-11-23T09:05:00Z","data":{{data}}{{extra}}}""";

    [Fact]
    public void A_machine_stop_is_accepted_as_a_typed_fact()
    {
        var (e, rejection) = Parse(Event("MachineStateChanged", """{"workCenter":"CNC-4","state":"down","reasonCode":"SP-101","reason":"spindle fault"}"""));
        Assert.Null(rejection);
        Assert.Equal(new MachineStateChanged("CNC-4", MachineState.Down, "SP-101", "spindle fault"), e!.Fact);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.Zero), e.OccurredAt);
    }

    [Fact]
    public void CloudEvents_time_is_accepted_for_occurredAt()
    {
        var json = """{"id":"e-2","source":"mes-cnc","type":"MachineStateChanged","site":"OH-DAYTON","subject":"work-center/CNC-4","time":"2026-11-23T04:05:00-05:00","data":{"workCenter":"CNC-4","state":"running"}}""";
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 5, 0, TimeSpan.Zero), Parse(json).Event!.OccurredAt);
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
    [InlineData("""{"source":"mes-cnc","type":"MachineStateChanged","site":"OH-DAYTON","subject":"x","occurredAt":"2026-11-23T09:05:00Z","data":{}}""", "Missing attribute")]
    [InlineData("""{"id":"1","source":"MES CNC","type":"MachineStateChanged","site":"OH-DAYTON","subject":"x","occurredAt":"2026-11-23T09:05:00Z","data":{}}""", "Invalid source")]
    [InlineData("""{"id":"1","source":"mes-cnc","type":"MachineStateChanged","site":"OH-DAYTON","subject":"x","occurredAt":"yesterday","data":{}}""", "Missing time")]
    [InlineData("""{"id":"1","source":"mes-cnc","type":"MachineStateChanged","site":"OH-DAYTON","subject":"x","occurredAt":"2026-11-23T09:05:00Z"}""", "Missing data")]
    [InlineData("""[1,2]""", "Not an event")]
    public void Envelope_problems_are_named(string json, string title) => Assert.Equal(title, Parse(json).Rejection!.Title);
}
