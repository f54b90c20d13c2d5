using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ExecutionLayer.Gateway.Limits;

/// <summary>
/// Follows the HTTP/1.1 messages of one connection as bytes, and rewrites a request line whose path holds
/// a percent-encoded NUL (<c>%00</c>) so that it reaches the application instead of being refused by
/// Kestrel — which answers such a request with a bare 400 and no body, before any middleware can explain
/// it. The NUL becomes the text <c>%2500</c> and a <see cref="MarkerHeader"/> line is added, which
/// <see cref="RefusedTargetMiddleware"/> turns into a problem response naming the rule.
/// <para>
/// Everything else passes byte for byte. Bodies are skipped by their Content-Length or chunk sizes, so a
/// body is never mistaken for a request line; at the first thing it does not understand (a line too long,
/// conflicting lengths, an upgrade, HTTP/2, TLS bytes) the guard stops looking for the rest of the
/// connection and lets Kestrel judge, as if it were not there.
/// </para>
/// </summary>
public sealed class RequestTargetGuard
{
    public const string MarkerHeader = "X-Gateway-Refused-Target";
    public const string NulInPath = "nul-in-path";

    /// <summary>Longer than Kestrel's own request-line limit (8 KiB): a line this long is Kestrel's to refuse.</summary>
    private const int MaxLine = 16 * 1024;

    private static readonly byte[] Marker = Encoding.ASCII.GetBytes($"{MarkerHeader}: {NulInPath}\r\n");
    private static readonly byte[] Http2Preface = "PRI * HTTP/2.0"u8.ToArray();

    private enum State { RequestLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Passthrough }

    private readonly byte[] _line = new byte[MaxLine];
    private int _lineLength;
    private State _state = State.RequestLine;
    private long _remaining;
    private long? _contentLength;
    private bool _chunked;
    private bool _tunnel;

    /// <summary>Whether the guard has stopped following this connection (for tests).</summary>
    public bool Following => _state != State.Passthrough;

    public void Feed(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        while (!input.IsEmpty)
        {
            switch (_state)
            {
                case State.Passthrough:
                    output.Write(input);
                    return;
                case State.Body or State.ChunkData:
                    var n = (int)Math.Min(_remaining, input.Length);
                    output.Write(input[..n]);
                    input = input[n..];
                    _remaining -= n;
                    if (_remaining == 0) _state = _state == State.Body ? State.RequestLine : State.ChunkDataEnd;
                    break;
                default:
                    var lf = input.IndexOf((byte)'\n');
                    var take = lf < 0 ? input.Length : lf + 1;
                    if (_lineLength + take > MaxLine)
                    {
                        GiveUp(output);
                        continue;
                    }
                    input[..take].CopyTo(_line.AsSpan(_lineLength));
                    _lineLength += take;
                    input = input[take..];
                    if (lf < 0) return;
                    var line = _line.AsSpan(0, _lineLength);
                    _lineLength = 0;
                    OnLine(line, output);
                    break;
            }
        }
    }

    /// <summary>The connection's input ended: whatever part of a line is held goes on as it is.</summary>
    public void Flush(IBufferWriter<byte> output)
    {
        output.Write(_line.AsSpan(0, _lineLength));
        _lineLength = 0;
    }

    private void OnLine(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        var content = line.TrimEnd("\r\n"u8);
        switch (_state)
        {
            case State.RequestLine:
                RequestLine(line, content, output);
                return;
            case State.Headers:
                output.Write(line);
                if (content.IsEmpty) EndOfHeaders();
                else Header(content);
                return;
            case State.ChunkSize:
                output.Write(line);
                var size = content.IndexOf((byte)';') is var semicolon and >= 0 ? content[..semicolon] : content;
                if (!Utf8Parser.TryParse(size.Trim(" \t"u8), out long chunk, out var read, 'x') || read != size.Trim(" \t"u8).Length || chunk < 0)
                    _state = State.Passthrough;
                else if (chunk == 0) _state = State.Trailers;
                else (_remaining, _state) = (chunk, State.ChunkData);
                return;
            case State.ChunkDataEnd:
                output.Write(line);
                _state = content.IsEmpty ? State.ChunkSize : State.Passthrough;
                return;
            case State.Trailers:
                output.Write(line);
                if (content.IsEmpty) _state = State.RequestLine;
                return;
        }
    }

    private void RequestLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> content, IBufferWriter<byte> output)
    {
        // Empty lines between requests are tolerated by servers; they carry nothing.
        if (content.IsEmpty || content.StartsWith(Http2Preface))
        {
            output.Write(line);
            if (!content.IsEmpty) _state = State.Passthrough;
            return;
        }
        var firstSpace = content.IndexOf((byte)' ');
        var lastSpace = content.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace || !IsToken(content[..firstSpace]) || !content[(lastSpace + 1)..].StartsWith("HTTP/1."u8))
        {
            output.Write(line);
            _state = State.Passthrough;
            return;
        }
        (_contentLength, _chunked) = (null, false);
        _tunnel = content[..firstSpace].SequenceEqual("CONNECT"u8);
        _state = State.Headers;

        var target = content[(firstSpace + 1)..lastSpace];
        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        if (path.IndexOf("%00"u8) < 0)
        {
            output.Write(line);
            return;
        }
        output.Write(content[..(firstSpace + 1)]);
        var rest = path;
        for (var at = rest.IndexOf("%00"u8); at >= 0; at = rest.IndexOf("%00"u8))
        {
            output.Write(rest[..at]);
            output.Write("%2500"u8);
            rest = rest[(at + 3)..];
        }
        output.Write(rest);
        output.Write(target[path.Length..]);
        output.Write(line[(firstSpace + 1 + target.Length)..]);
        output.Write(Marker);
    }

    private void Header(ReadOnlySpan<byte> header)
    {
        var colon = header.IndexOf((byte)':');
        // Obsolete line folding, or no name: not ours to interpret.
        if (colon <= 0 || header[0] is (byte)' ' or (byte)'\t')
        {
            _state = State.Passthrough;
            return;
        }
        var name = header[..colon];
        var value = header[(colon + 1)..].Trim(" \t"u8);
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (!Utf8Parser.TryParse(value, out long length, out var read) || read != value.Length || length < 0 || _contentLength is { } seen && seen != length)
                _state = State.Passthrough;
            else _contentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            var last = value.LastIndexOf((byte)',') is var comma and >= 0 ? value[(comma + 1)..].Trim(" \t"u8) : value;
            if (Ascii.EqualsIgnoreCase(last, "chunked"u8)) _chunked = true;
            else _state = State.Passthrough;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Upgrade"u8))
        {
            _tunnel = true;
        }
    }

    private void EndOfHeaders()
    {
        if (_tunnel || _chunked && _contentLength is not null) _state = State.Passthrough;
        else if (_chunked) _state = State.ChunkSize;
        else if (_contentLength is > 0) (_remaining, _state) = (_contentLength.Value, State.Body);
        else _state = State.RequestLine;
    }

    /// <summary>A method is an HTTP token (RFC 9110 §5.6.2); anything else here is not an HTTP/1.1 request line (TLS bytes, say).</summary>
    private static bool IsToken(ReadOnlySpan<byte> method)
    {
        foreach (var b in method)
            if (!(char.IsAsciiLetterOrDigit((char)b) || "!#$%&'*+-.^_`|~"u8.Contains(b))) return false;
        return true;
    }

    private void GiveUp(IBufferWriter<byte> output)
    {
        Flush(output);
        _state = State.Passthrough;
    }
}
