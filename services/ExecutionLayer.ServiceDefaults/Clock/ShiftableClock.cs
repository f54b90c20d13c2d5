using System.Globalization;

namespace ExecutionLayer.ServiceDefaults.Clock;

/// <summary>
/// The wall clock moved forward by an offset, for development runs and end-to-end tests that must see
/// "nobody answered for four hours" without waiting four hours. It only ever moves forward: the event
/// stores, deadlines and ledger of a running system must never see time run backwards.
/// </summary>
/// <remarks>
/// Given a file, the clock keeps its offset there and starts from it: a service restarted mid-day is
/// as far ahead as the others still running, not back at wall time behind what it already recorded.
/// </remarks>
public sealed class ShiftableClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _wall;
    private readonly string? _file;
    private long _offsetTicks;

    public ShiftableClock(TimeProvider wall, string? file = null)
    {
        (_wall, _file) = (wall, file);
        if (file is not null && File.Exists(file))
        {
            var text = File.ReadAllText(file).Trim();
            _offsetTicks = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 ? ticks
                : throw new InvalidOperationException($"The development clock file {file} holds '{text}', not an offset in ticks; delete it to start at wall time.");
        }
    }

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => _wall.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock to <paramref name="to"/>; false (and no move) when that is in its past.</summary>
    public bool TryMoveTo(DateTimeOffset to)
    {
        lock (_gate)
        {
            var offset = to - _wall.GetUtcNow();
            if (offset.Ticks < Interlocked.Read(ref _offsetTicks)) return false;
            // Kept before it takes effect: a crash between the two restarts at the new offset, never behind a reading already given.
            if (_file is not null) Keep(_file, offset.Ticks);
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
            return true;
        }
    }

    /// <summary>Written beside and renamed over: a reader never sees half an offset.</summary>
    private static void Keep(string file, long ticks)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var next = file + ".next";
        File.WriteAllText(next, ticks.ToString(CultureInfo.InvariantCulture));
        File.Move(next, file, overwrite: true);
    }
}
