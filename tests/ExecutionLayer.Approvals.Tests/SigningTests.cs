using ExecutionLayer.Approvals.Deciding;
using ExecutionLayer.Approvals.Requests;
using ExecutionLayer.Approvals.Webhooks;

namespace ExecutionLayer.Approvals.Tests;

public class SigningTests
{
    // The published Standard Webhooks test vector: if we reproduce it, any receiver library accepts what we send.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Body = "{\"test\": 2432232314}";

    private static readonly DecisionTokens Tokens = new(new ApprovalsOptions { Tokens = new TokenOptions { Key = "a-test-key-of-some-length" } });
    private static readonly DecisionToken PatApproves = DecisionToken.For(Guid.NewGuid(), 0, 0, "pat.plant", null, Verdict.Approve, Overtime.AskedAt.AddDays(2));

    [Fact]
    public void Deliveries_are_signed_exactly_as_the_standard_webhooks_reference_vector()
    {
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhooks.Sign(Secret, Id, Timestamp, Body));
    }

    [Fact]
    public void A_callback_is_accepted_with_any_matching_signature_within_the_tolerance_only()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
        var signature = StandardWebhooks.Sign(Secret, Id, Timestamp, Body);

        Assert.Null(StandardWebhooks.Verify(Secret, Id, $"{Timestamp}", $"v1,bm9wZQ== {signature}", Body, now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.NotNull(StandardWebhooks.Verify(Secret, Id, $"{Timestamp}", signature, Body, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.NotNull(StandardWebhooks.Verify(Secret, Id, $"{Timestamp}", signature, Body + " ", now, TimeSpan.FromMinutes(5)));
        Assert.NotNull(StandardWebhooks.Verify(Secret, "msg_other", $"{Timestamp}", signature, Body, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_decision_token_reads_back_what_it_was_minted_with()
    {
        Assert.Equal(PatApproves, Tokens.Read(Tokens.Mint(PatApproves), Overtime.AskedAt));
    }

    [Fact]
    public void A_token_turned_from_approve_into_reject_no_longer_verifies()
    {
        var token = Tokens.Mint(PatApproves);
        var forged = Tokens.Mint(PatApproves with { Verdict = Verdict.Reject }).Split('.')[0] + "." + token.Split('.')[1];

        Assert.Throws<TokenRejectedException>(() => Tokens.Read(forged, Overtime.AskedAt));
    }

    [Fact]
    public void A_token_minted_with_another_key_or_past_its_expiry_is_rejected()
    {
        var otherKey = new DecisionTokens(new ApprovalsOptions { Tokens = new TokenOptions { Key = "somebody-elses-key-entirely" } });

        Assert.Throws<TokenRejectedException>(() => Tokens.Read(otherKey.Mint(PatApproves), Overtime.AskedAt));
        Assert.Throws<TokenRejectedException>(() => Tokens.Read(Tokens.Mint(PatApproves), PatApproves.ExpiresAt));
        Assert.Throws<TokenRejectedException>(() => Tokens.Read("not-a-token", Overtime.AskedAt));
    }
}
