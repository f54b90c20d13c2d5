using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ExecutionLayer.Gateway.Limits;

/// <summary>
/// Puts a <see cref="RequestTargetGuard"/> between the socket and Kestrel's HTTP/1.1 parser on every
/// endpoint the gateway listens on: a pump reads what the client sent, lets the guard rewrite request
/// lines with a NUL in the path, and hands the rest on unchanged.
/// </summary>
internal static class RequestTargetConnection
{
    public static void UseRequestTargetGuard(this KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection => GuardedAsync(connection, next)));

    private static async Task GuardedAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var original = connection.Transport;
        var guarded = new Pipe(new PipeOptions(useSynchronizationContext: false));
        connection.Transport = new DuplexPipe(guarded.Reader, original.Output);
        var pump = PumpAsync(original.Input, guarded.Writer, connection.ConnectionClosed);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection; wake the pump from a read that may wait on the client forever.
            connection.Transport = original;
            await guarded.Reader.CompleteAsync();
            original.Input.CancelPendingRead();
            await pump;
        }
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to, CancellationToken closed)
    {
        var guard = new RequestTargetGuard();
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(closed);
                foreach (var segment in read.Buffer) guard.Feed(segment.Span, to);
                from.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    guard.Flush(to);
                    await to.FlushAsync(closed);
                    break;
                }
                // Kestrel stopped reading (the connection ends): stop pumping.
                if ((await to.FlushAsync(closed)).IsCompleted) break;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is ConnectionResetException or IOException or InvalidOperationException)
        {
            failure = e;
        }
        await to.CompleteAsync(failure);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
