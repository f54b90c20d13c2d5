namespace ExecutionLayer.ServiceDefaults.Clock;

/// <summary>
/// The wall clock moved forward by an offset, for development runs and end-to-end tests that must see
/// "nobody answered for four hours" without waiting four hours. It only ever moves forward: the event
/// stores, deadlines and ledger of a running system must never see time run backwards.
/// </summary>
public sealed class ShiftableClock(TimeProvider wall) : TimeProvider
{
    private readonly Lock _gate = new();
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => wall.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock to <paramref name="to"/>; false (and no move) when that is in its past.</summary>
    public bool TryMoveTo(DateTimeOffset to)
    {
        lock (_gate)
        {
            var offset = to - wall.GetUtcNow();
            if (offset.Ticks < Interlocked.Read(ref _offsetTicks)) return false;
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
            return true;
        }
    }
}
