namespace ExecutionLayer.Harness;

/// <summary>Where the solution's build put each program: the same configuration this test assembly was built in.</summary>
public static class Build
{
    private static readonly DirectoryInfo TestOutput = new(AppContext.BaseDirectory);

    /// <summary>The repository root: the directory holding ExecutionLayer.sln above this test's output.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>bin/{Configuration}/{TargetFramework}/ of this assembly.</summary>
    public static string Configuration => TestOutput.Parent!.Name;

    private static string TargetFramework => TestOutput.Name;

    public static string OutputOf(string project) =>
        Path.Combine(Root, project, "bin", Configuration, TargetFramework, $"{Path.GetFileName(project)}.dll");

    private static string FindRoot()
    {
        for (var dir = TestOutput; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionLayer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No ExecutionLayer.sln above {TestOutput.FullName}.");
    }
}
