using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Correlation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ExecutionLayer.Foundation.Tests;

public sealed record PlaceOrder(string OrderId, int Quantity, DateTimeOffset PromiseDate, Priority Priority);

public sealed record HoldFor(TimeSpan Duration);

public enum Priority { Low, High }

public sealed class ServiceDefaultsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapDefaultEndpoints();
        _app.MapPost("/orders", (PlaceOrder order) => Results.Ok(order));
        _app.MapPost("/holds", (HoldFor hold) => Results.Ok(hold));
        _app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals"));
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_healthy_when_nothing_is_down()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        var ready = await _client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_naming_the_json_error()
    {
        var response = await _client.PostAsync("/orders", new StringContent("{\"orderId\": \"SO-1001\", \"quantity\": ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlationId").GetString()));
    }

    [Fact]
    public async Task An_unknown_enum_value_is_a_400_problem_not_a_silent_default()
    {
        var response = await _client.PostAsJsonAsync("/orders", new { orderId = "SO-1001", quantity = 400, promiseDate = "2026-11-27T17:00:00Z", priority = "urgent" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Times_are_written_as_utc_and_enums_as_camel_case_strings()
    {
        var response = await _client.PostAsJsonAsync("/orders", new { orderId = "SO-1001", quantity = 400, promiseDate = "2026-11-27T12:00:00-05:00", priority = "high" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"promiseDate\":\"2026-11-27T17:00:00.000000Z\"", body);
        Assert.Contains("\"priority\":\"high\"", body);
    }

    [Theory]
    [InlineData("PT4H", "PT4H")]
    [InlineData("P1DT30M", "P1DT30M")]
    [InlineData("-PT15M", "-PT15M")]
    [InlineData("04:00:00", "PT4H")] // .NET's own form, as clients written before the API settled on ISO-8601 send it
    public async Task A_duration_is_read_as_iso_8601_or_dotnets_form_and_written_as_iso_8601(string sent, string written)
    {
        var response = await _client.PostAsJsonAsync("/holds", new { duration = sent });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"duration\":\"{written}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_duration_in_words_is_a_400_problem_naming_the_field()
    {
        var response = await _client.PostAsJsonAsync("/holds", new { duration = "four hours" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("duration", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unhandled_error_is_a_500_problem_without_internals()
    {
        var response = await _client.GetAsync("/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("secret internals", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_callers_correlation_id_is_echoed_and_one_is_made_when_absent()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add(CorrelationId.HeaderName, "erp-batch-4711");
        var echoed = await _client.SendAsync(request);
        Assert.Equal("erp-batch-4711", echoed.Headers.GetValues(CorrelationId.HeaderName).Single());

        var made = await _client.GetAsync("/health/live");
        Assert.False(string.IsNullOrWhiteSpace(made.Headers.GetValues(CorrelationId.HeaderName).Single()));
    }

    [Fact]
    public async Task A_correlation_id_with_control_characters_is_replaced()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation(CorrelationId.HeaderName, "bad id with spaces");
        var response = await _client.SendAsync(request);
        Assert.NotEqual("bad id with spaces", response.Headers.GetValues(CorrelationId.HeaderName).Single());
    }
}
