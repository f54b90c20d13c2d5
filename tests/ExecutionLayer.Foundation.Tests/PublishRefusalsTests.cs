using ExecutionLayer.Messaging;
using ExecutionLayer.Testing;

namespace ExecutionLayer.Foundation.Tests;

/// <summary>When the broker's refusals are a stuck channel (renew it) and when they are an election passing (leave it).</summary>
public sealed class PublishRefusalsTests
{
    private static readonly Uri Ledger = new("rabbitmq://127.0.0.1/el/ExecutionLayer.Contracts.Audit:DomainEventsRecorded");
    private static readonly Uri Actions = new("rabbitmq://127.0.0.1/el/ExecutionLayer.Contracts.Actions:ActionItemCreated");

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 8, 2, 45, 27, TimeSpan.Zero));
    private readonly PublishRefusals _refusals;

    public PublishRefusalsTests() => _refusals = new PublishRefusals(_clock);

    [Fact]
    public void A_refusal_still_there_after_the_persistence_calls_for_one_renewal()
    {
        Assert.False(_refusals.Refused(Ledger));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_refusals.Refused(Ledger)); // an election may take this long
        _clock.Advance(PublishRefusals.Persistence);
        Assert.True(_refusals.Refused(Ledger));
        Assert.Equal(1, _refusals.Renewals);
    }

    [Fact]
    public void A_message_taken_on_the_exchange_in_between_means_the_refusal_had_passed()
    {
        _refusals.Refused(Ledger);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _refusals.Accepted(Ledger);
        _clock.Advance(PublishRefusals.Persistence);
        Assert.False(_refusals.Refused(Ledger));
        Assert.Equal(0, _refusals.Renewals);
    }

    [Fact]
    public void Another_exchange_taking_messages_does_not_clear_a_stuck_one()
    {
        _refusals.Refused(Ledger);
        _refusals.Accepted(Actions);
        _clock.Advance(PublishRefusals.Persistence);
        Assert.True(_refusals.Refused(Ledger));
    }

    [Fact]
    public void Refusals_that_go_on_after_a_renewal_call_for_the_next_only_after_the_spacing()
    {
        _refusals.Refused(Ledger);
        _clock.Advance(PublishRefusals.Persistence);
        Assert.True(_refusals.Refused(Ledger));

        // A queue without its majority refuses whatever the channel: the bus is not renewed over and over for it.
        _refusals.Refused(Actions);
        _clock.Advance(PublishRefusals.Persistence);
        Assert.False(_refusals.Refused(Actions));
        _clock.Advance(PublishRefusals.Spacing);
        Assert.True(_refusals.Refused(Actions));
        Assert.Equal(2, _refusals.Renewals);
    }
}
