using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using ExecutionLayer.Audit.Ledger;

// Checks an audit export offline: no database, no service, only the ledger's public key(s).
//   dotnet run --project services/Audit/ExecutionLayer.Audit.Verifier -- export.ndjson --keys keys.pem
// Exit 0: every entry verified and is covered by a validly signed checkpoint. Exit 1: it is not (the
// first problem is printed). Exit 2: the files could not be read.
var export = new Argument<FileInfo>("export") { Description = "The NDJSON file from GET /audit/export" };
var keys = new Option<FileInfo>("--keys", "-k")
{
    Description = "Public key(s): a PEM file, or the JSON answer of GET /audit/keys",
    Required = true,
};
var root = new RootCommand("Verifies an ExecutionLayer audit export offline.") { export, keys };
root.SetAction(parsed =>
{
    var exportFile = parsed.GetValue(export)!;
    var keysFile = parsed.GetValue(keys)!;
    Dictionary<string, ECDsa> publicKeys;
    try
    {
        publicKeys = LoadKeys(File.ReadAllText(keysFile.FullName));
        if (publicKeys.Count == 0) throw new InvalidDataException($"{keysFile.Name} holds no public key.");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException or CryptographicException or ArgumentException)
    {
        Console.Error.WriteLine($"cannot read keys: {e.Message}");
        return 2;
    }

    ExportVerification result;
    try
    {
        result = ExportVerifier.Verify(File.ReadLines(exportFile.FullName), publicKeys);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"cannot read export: {e.Message}");
        return 2;
    }

    if (result.Ok)
    {
        Console.WriteLine($"OK: {result.Entries} entries verified, chained through {result.Links} withheld entries to {result.Checkpoints} signed checkpoint(s).");
        return 0;
    }
    var problem = result.Problem!;
    Console.WriteLine($"FAILED at line {problem.Line}{(problem.Sequence is { } s ? $" (sequence {s})" : "")}: {problem.Reason}");
    return 1;
});
return root.Parse(args).Invoke();

static Dictionary<string, ECDsa> LoadKeys(string text)
{
    if (!text.TrimStart().StartsWith('{')) return ExportVerifier.KeysFromPem(text);
    using var document = JsonDocument.Parse(text);
    var pem = string.Join("\n", document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("publicKeyPem").GetString()));
    return ExportVerifier.KeysFromPem(pem);
}
