using System.Diagnostics;
using System.Net;
using System.Text;

namespace ExecutionLayer.Gateway.Tests;

[Collection(FrontDoorCollection.Name)]
public sealed class LimitsTests(FrontDoor door)
{
    [Fact]
    public async Task A_client_over_its_rate_is_429_with_retry_after_and_other_clients_are_not_held_back()
    {
        using var throttled = door.Client("throttled");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await throttled.GetAsync("/api/actions?limit=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused ??= response;
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.NotNull(refused);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 4, string.Join(",", statuses));
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");

        using var admin = door.Client("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/actions?limit=1")).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_routes_limit_is_413_and_nothing_is_written()
    {
        using var admin = door.Client("admin");
        var before = await (await admin.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        var huge = new StringContent("{\"title\":\"" + new string('x', 300 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var problem = await (await admin.PostAsync("/api/actions", huge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("262144", problem.GetProperty("detail").GetString());
        var after = await (await admin.GetAsync("/api/actions?limit=1000")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(before.GetArrayLength(), after.GetArrayLength());
    }

    [Fact]
    public async Task A_service_that_is_down_answers_502_at_once()
    {
        using var admin = door.Client("admin");
        var clock = Stopwatch.StartNew();
        var problem = await (await admin.GetAsync("/api/metrics/down/execution")).ProblemAsync(HttpStatusCode.BadGateway);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("Service unreachable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_service_that_hangs_answers_504_when_the_routes_timeout_passes()
    {
        using var admin = door.Client("admin");
        var clock = Stopwatch.StartNew();
        var problem = await (await admin.GetAsync("/api/metrics/hung/execution")).ProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Equal("Service timed out", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_nul_in_a_path_segment_is_a_400_problem_naming_the_rule_and_the_connection_serves_the_next_request()
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(door.Gateway.Host, door.Gateway.Port);
        var stream = socket.GetStream();
        var request = $"GET /api/graph/orders/a%00b HTTP/1.1\r\nHost: {door.Gateway.Authority}\r\nX-Api-Key: {door.Keys["admin"]}\r\n\r\n"
            + $"GET /health/live HTTP/1.1\r\nHost: {door.Gateway.Authority}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var (status, headers, body) = await ReadResponseAsync(reader);
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", headers["content-type"].Split(';')[0]);
        using var problem = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(("path", "nul-character"), (problem.RootElement.GetProperty("field").GetString(), problem.RootElement.GetProperty("rule").GetString()));

        var (next, _, _) = await ReadResponseAsync(reader);
        Assert.Equal(200, next);
    }

    /// <summary>One HTTP/1.1 response (a Content-Length or a chunked body of ASCII text), read off a raw connection.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers, string Body)> ReadResponseAsync(StreamReader reader)
    {
        var statusLine = await reader.ReadLineAsync() ?? throw new InvalidOperationException("the connection closed");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
            headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].Trim();
        var body = new StringBuilder();
        if (headers.TryGetValue("content-length", out var length)) body.Append(await ReadCharsAsync(reader, int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
        else if (headers.TryGetValue("transfer-encoding", out var coding) && coding == "chunked")
            for (var size = Convert.ToInt32(await reader.ReadLineAsync(), 16); size > 0; size = Convert.ToInt32(await reader.ReadLineAsync(), 16))
            {
                body.Append(await ReadCharsAsync(reader, size));
                await reader.ReadLineAsync();
            }
        if (headers.ContainsKey("transfer-encoding")) await reader.ReadLineAsync(); // the empty line after the last chunk
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body.ToString());
    }

    private static async Task<string> ReadCharsAsync(StreamReader reader, int count)
    {
        var chars = new char[count];
        for (var read = 0; read < count;) read += await reader.ReadAsync(chars.AsMemory(read));
        return new string(chars);
    }
}
