using System.Buffers;
using System.Text;
using CsCheck;
using ExecutionLayer.Gateway.Limits;

namespace ExecutionLayer.Gateway.Tests;

/// <summary>
/// The byte-level guard in front of Kestrel: only a request line's path is ever touched, bodies never are,
/// and how the bytes arrive (one read or one byte at a time) changes nothing.
/// </summary>
public sealed class RequestTargetGuardTests
{
    private const string Marker = $"{RequestTargetGuard.MarkerHeader}: {RequestTargetGuard.NulInPath}\r\n";

    private static (string Output, bool Following) Guard(string input, IEnumerable<int>? splits = null)
    {
        var guard = new RequestTargetGuard();
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.ASCII.GetBytes(input);
        var at = 0;
        foreach (var split in (splits ?? []).Where(s => s > 0 && s < bytes.Length).Order().Append(bytes.Length))
        {
            if (split <= at) continue;
            guard.Feed(bytes.AsSpan(at, split - at), output);
            at = split;
        }
        guard.Flush(output);
        return (Encoding.ASCII.GetString(output.WrittenSpan), guard.Following);
    }

    [Fact]
    public void A_nul_in_the_path_becomes_text_and_the_request_is_marked_for_refusal() =>
        Assert.Equal($"GET /api/graph/orders/a%2500b HTTP/1.1\r\n{Marker}Host: gw\r\n\r\n", Guard("GET /api/graph/orders/a%00b HTTP/1.1\r\nHost: gw\r\n\r\n").Output);

    [Fact]
    public void A_nul_in_the_query_is_left_for_the_services_input_policy()
    {
        const string request = "GET /api/actions?owner=a%00b HTTP/1.1\r\nHost: gw\r\n\r\n";
        Assert.Equal(request, Guard(request).Output);
    }

    [Fact]
    public void A_body_that_looks_like_a_request_line_is_never_touched_whether_it_has_a_length_or_chunks()
    {
        const string smuggled = "GET /x%00y HTTP/1.1\r\n";
        var withLength = $"POST /api/events HTTP/1.1\r\nHost: gw\r\nContent-Length: {smuggled.Length}\r\n\r\n{smuggled}";
        var chunked = $"POST /api/events HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n{smuggled.Length:x}\r\n{smuggled}\r\n0\r\n\r\n";
        var after = "GET /next%00 HTTP/1.1\r\nHost: gw\r\n\r\n";

        var (output, following) = Guard(withLength + chunked + after);

        Assert.Equal(withLength + chunked + $"GET /next%2500 HTTP/1.1\r\n{Marker}Host: gw\r\n\r\n", output);
        Assert.True(following);
    }

    [Theory]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001")]
    public void What_it_cannot_frame_with_certainty_it_stops_following_and_passes_on_unchanged(string start)
    {
        var rest = "GET /later%00 HTTP/1.1\r\nHost: gw\r\n\r\n";
        var (output, following) = Guard(start + rest);
        Assert.Equal(start + rest, output);
        Assert.False(following);
    }

    [Fact]
    public void However_the_bytes_are_split_into_reads_the_output_is_the_same() =>
        Gen.Int[0, 400].Array[0, 30].Sample(splits =>
        {
            const string connection = "GET /api/graph/orders/a%00b?x=%00 HTTP/1.1\r\nHost: gw\r\n\r\n"
                + "POST /api/events HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nGET /\r\n3\r\n%00\r\n0\r\nTrailer: t\r\n\r\n"
                + "PUT /api/policies/p%00 HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\n\r\n%00\n";
            Assert.Equal(Guard(connection).Output, Guard(connection, splits).Output);
        }, iter: 500);
}
