using ExecutionLayer.Store.Types;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Messaging.Outbox;

namespace ExecutionLayer.Approvals.Deciding;

/// <summary>
/// What one decision link may do: decide one stage, at one escalation level, as one approver (perhaps
/// in another's seat), one way, until the request expires. Single use falls out of the rules: once
/// that approver has decided the stage, both of their links meet "already decided" (409).
/// </summary>
public sealed record DecisionToken(Guid TokenId, Guid ApprovalId, int Stage, int Level, string Approver, string? OnBehalfOf, Verdict Verdict, DateTimeOffset ExpiresAt)
{
    public static DecisionToken For(Guid approvalId, int stage, int level, string approver, string? onBehalfOf, Verdict verdict, DateTimeOffset expiresAt) =>
        new(DeterministicId.From($"token|{approvalId}|{stage}|{level}|{approver}|{onBehalfOf}|{verdict}"), approvalId, stage, level, approver, onBehalfOf,
            verdict, expiresAt);
}

/// <summary>Why a token was not accepted; each is a 401 and changes nothing.</summary>
public sealed class TokenRejectedException(string message) : Exception(message);

/// <summary>
/// Tokens are <c>base64url(json).base64url(HMAC-SHA256(key, first part))</c>: self-contained, so a
/// link works without a lookup, and unforgeable without the key. Nothing secret is inside.
/// </summary>
public sealed class DecisionTokens
{
    private readonly byte[] _key;

    public DecisionTokens(ApprovalsOptions options)
    {
        if (options.Tokens.Key.Length < 16)
            throw new InvalidOperationException("Approvals:Tokens:Key must be set to at least 16 characters (env Approvals__Tokens__Key).");
        _key = SHA256.HashData(Encoding.UTF8.GetBytes(options.Tokens.Key));
    }

    public string Mint(DecisionToken token)
    {
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(token, EventJson.Options));
        return $"{payload}.{Base64Url.EncodeToString(Sign(payload))}";
    }

    /// <exception cref="TokenRejectedException">Malformed, forged or expired.</exception>
    public DecisionToken Read(string? token, DateTimeOffset now)
    {
        var dot = token?.IndexOf('.') ?? -1;
        if (token is null || token.Length > 2048 || dot <= 0) throw new TokenRejectedException("The decision token is malformed.");
        var payload = token[..dot];
        byte[] signature;
        try { signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1)); }
        catch (FormatException) { throw new TokenRejectedException("The decision token is malformed."); }
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(payload))) throw new TokenRejectedException("The decision token's signature is not valid.");

        DecisionToken? read;
        try { read = JsonSerializer.Deserialize<DecisionToken>(Base64Url.DecodeFromChars(payload), EventJson.Options); }
        catch (Exception e) when (e is FormatException or JsonException) { throw new TokenRejectedException("The decision token is malformed."); }
        if (read is null) throw new TokenRejectedException("The decision token is malformed.");
        if (now >= read.ExpiresAt) throw new TokenRejectedException($"The decision token expired at {read.ExpiresAt:O}.");
        return read;
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(payload));
}
