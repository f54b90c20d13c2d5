using ExecutionLayer.EventSourcing.Inbox;

namespace ExecutionLayer.EventSourcing.Tests;

public sealed class InboxTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task A_message_handled_twice_has_one_effect()
    {
        var inbox = new MessageInbox(fixture.Store);
        var messageId = Guid.NewGuid();
        var stream = $"inbox-{Guid.NewGuid():N}";
        Task Work(UnitOfWork uow) => uow.AppendAsync(stream, "overtime", ExpectedVersion.Any, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "effect")), EventMetadata.None);

        Assert.True(await inbox.HandleOnceAsync("actions", messageId, Work));
        Assert.False(await inbox.HandleOnceAsync("actions", messageId, Work));
        Assert.Single(await fixture.Store.ReadStreamAsync(stream));
    }

    [Fact]
    public async Task Concurrent_redeliveries_of_one_message_have_one_effect()
    {
        var inbox = new MessageInbox(fixture.Store);
        var messageId = Guid.NewGuid();
        var stream = $"inbox-{Guid.NewGuid():N}";
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => inbox.HandleOnceAsync("actions", messageId, uow =>
            uow.AppendAsync(stream, "overtime", ExpectedVersion.Any, NewEvents.Of(new OvertimeNoted(Guid.NewGuid(), "effect")), EventMetadata.None))));

        Assert.Equal(1, results.Count(ran => ran));
        Assert.Single(await fixture.Store.ReadStreamAsync(stream));
    }

    [Fact]
    public async Task Work_that_fails_leaves_no_mark_so_the_redelivery_runs_it()
    {
        var inbox = new MessageInbox(fixture.Store);
        var messageId = Guid.NewGuid();
        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.HandleOnceAsync("actions", messageId, _ => throw new InvalidOperationException("broker hiccup")));
        Assert.True(await inbox.HandleOnceAsync("actions", messageId, _ => Task.CompletedTask));
    }

    [Fact]
    public async Task The_same_message_is_handled_once_per_consumer()
    {
        var inbox = new MessageInbox(fixture.Store);
        var messageId = Guid.NewGuid();
        Assert.True(await inbox.HandleOnceAsync("actions", messageId, _ => Task.CompletedTask));
        Assert.True(await inbox.HandleOnceAsync("exceptions", messageId, _ => Task.CompletedTask));
    }
}
