namespace ExecutionLayer.Load.Reconciliation;

/// <summary>One line of the reconciliation: what had to be there, what was found, and how far off.</summary>
public sealed record Check(string Name, long Expected, long Found, long Missing, long Duplicated)
{
    public bool Holds => Missing == 0 && Duplicated == 0 && Expected == Found;
}

public sealed record ReconciliationReport(IReadOnlyList<Check> Checks, bool LedgerVerifies, bool LedgerComplete, TimeSpan Settled, string Notes)
{
    public bool Holds => LedgerVerifies && LedgerComplete && Checks.All(c => c.Holds);

    public string Failures => string.Join("; ", Checks.Where(c => !c.Holds).Select(c =>
        $"{c.Name}: expected {c.Expected}, found {c.Found}, missing {c.Missing}, duplicated {c.Duplicated}")
        .Concat(LedgerVerifies ? [] : ["the ledger's chain does not verify"])
        .Concat(LedgerComplete ? [] : ["the ledger's completeness shows a gap"]));
}
