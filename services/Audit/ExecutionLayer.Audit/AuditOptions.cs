namespace ExecutionLayer.Audit;

public sealed record AuditOptions
{
    public CheckpointOptions Checkpoints { get; init; } = new();
    public SigningOptions Signing { get; init; } = new();

    /// <summary>Messages appended per transaction from the audit feed.</summary>
    public int BatchSize { get; init; } = 200;

    public int MaxPageSize { get; init; } = 1000;
}

public sealed record CheckpointOptions
{
    /// <summary>Sign the head once this many entries have been added since the last checkpoint…</summary>
    public int EveryEntries { get; init; } = 1000;

    /// <summary>…or once this long has passed with any entry unsigned.</summary>
    public double EverySeconds { get; init; } = 10;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

public sealed record SigningOptions
{
    /// <summary>The ECDSA P-256 private key as PEM ("EC PRIVATE KEY" or PKCS#8); or…</summary>
    public string? PrivateKeyPem { get; init; }

    /// <summary>…a file holding it.</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>Development only: generate <see cref="PrivateKeyFile"/> when it does not exist yet.</summary>
    public bool CreateKeyFileIfMissing { get; init; }

    /// <summary>Public keys (PEM) of retired signing keys, so checkpoints they signed still verify after a rotation.</summary>
    public string? PreviousPublicKeysPem { get; init; }
}
