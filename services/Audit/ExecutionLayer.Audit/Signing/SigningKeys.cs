using System.Security.Cryptography;
using ExecutionLayer.Audit.Ledger;

namespace ExecutionLayer.Audit.Signing;

/// <summary>The key that signs checkpoints now, and every public key whose signatures still count.</summary>
internal sealed class SigningKeys : IDisposable
{
    private SigningKeys(ECDsa current, IReadOnlyDictionary<string, ECDsa> trusted)
    {
        Current = current;
        CurrentKeyId = KeyIds.Of(current);
        Trusted = trusted;
    }

    public ECDsa Current { get; }
    public string CurrentKeyId { get; }

    /// <summary>By key id: the current key's public half and the retired keys from configuration.</summary>
    public IReadOnlyDictionary<string, ECDsa> Trusted { get; }

    public static SigningKeys From(SigningOptions options, ILogger logger)
    {
        var current = ECDsa.Create();
        current.ImportFromPem(PrivateKeyPem(options, logger));
        if (current.KeySize != 256) throw new InvalidOperationException($"Audit:Signing needs an ECDSA P-256 key; this one has {current.KeySize} bits.");

        var trusted = options.PreviousPublicKeysPem is { } previous ? ExportVerifier.KeysFromPem(previous) : [];
        var currentPublic = ECDsa.Create();
        currentPublic.ImportSubjectPublicKeyInfo(current.ExportSubjectPublicKeyInfo(), out _);
        trusted[KeyIds.Of(currentPublic)] = currentPublic;
        return new SigningKeys(current, trusted);
    }

    public static string PublicPem(ECDsa key) => key.ExportSubjectPublicKeyInfoPem();

    private static string PrivateKeyPem(SigningOptions options, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.PrivateKeyPem)) return options.PrivateKeyPem;
        if (string.IsNullOrWhiteSpace(options.PrivateKeyFile))
            throw new InvalidOperationException("No checkpoint signing key: set Audit:Signing:PrivateKeyPem or Audit:Signing:PrivateKeyFile (an ECDSA P-256 PEM).");
        if (!File.Exists(options.PrivateKeyFile))
        {
            if (!options.CreateKeyFileIfMissing) throw new InvalidOperationException($"Audit:Signing:PrivateKeyFile {options.PrivateKeyFile} does not exist.");
            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.PrivateKeyFile))!);
            File.WriteAllText(options.PrivateKeyFile, generated.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(options.PrivateKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            logger.LogWarning("Generated a development checkpoint signing key at {File}", options.PrivateKeyFile);
        }
        return File.ReadAllText(options.PrivateKeyFile);
    }

    public void Dispose()
    {
        Current.Dispose();
        foreach (var key in Trusted.Values) key.Dispose();
    }
}
