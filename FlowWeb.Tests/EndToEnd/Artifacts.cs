namespace FlowWeb.Tests.EndToEnd;

/// <summary>Where browser tests put screenshots: TestResults/screenshots/ for every run, EndToEnd/Screenshots/ for the README.</summary>
internal static class Artifacts
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestResults => Path.Combine(RepositoryRoot, "TestResults", "screenshots");

    public static string Readme => Path.Combine(RepositoryRoot, "FlowWeb.Tests", "EndToEnd", "Screenshots");

    public static string ResultPath(string name)
    {
        Directory.CreateDirectory(TestResults);
        return Path.Combine(TestResults, name);
    }

    /// <summary>Copies a screenshot next to the README's references (refreshed by every run of the browser tests).</summary>
    public static void PublishForReadme(string resultPath, string name)
    {
        Directory.CreateDirectory(Readme);
        File.Copy(resultPath, Path.Combine(Readme, name), overwrite: true);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlowWeb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FlowWeb.sln not found above {AppContext.BaseDirectory}");
    }
}
