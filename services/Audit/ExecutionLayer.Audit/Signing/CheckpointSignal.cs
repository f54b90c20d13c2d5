namespace ExecutionLayer.Audit.Signing;

/// <summary>Tells the signer the head moved, so a checkpoint due by count is signed now rather than at the next poll.</summary>
internal sealed class CheckpointSignal
{
    private readonly SemaphoreSlim _moved = new(0, 1);

    public void Appended()
    {
        if (_moved.CurrentCount == 0)
        {
            try { _moved.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _moved.WaitAsync(timeout, ct);
}
