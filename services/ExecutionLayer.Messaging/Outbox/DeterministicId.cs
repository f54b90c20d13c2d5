using System.Security.Cryptography;
using System.Text;

namespace ExecutionLayer.Messaging.Outbox;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 8 over SHA-256): the same (service, event, slot) always gives
/// the same message id, so a message re-published after a crash is recognised downstream.
/// </summary>
public static class DeterministicId
{
    public static Guid For(string service, Guid eventId, int slot) => From($"{service}|{eventId:N}|{slot}");

    public static Guid From(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
