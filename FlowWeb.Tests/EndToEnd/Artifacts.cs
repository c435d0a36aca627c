namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Where browser tests put screenshots: everything under TestResults/screenshots/ (ignored by git), the README's
/// pictures among them under TestResults/screenshots/readme/. A test run never writes into the checkout;
/// <c>.ci/readme-screenshots</c> runs the browser tests and copies the README's pictures to EndToEnd/Screenshots/.
/// </summary>
internal static class Artifacts
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestResults => Path.Combine(RepositoryRoot, "TestResults", "screenshots");

    /// <summary>The README's pictures of this run, for <c>.ci/readme-screenshots</c> to publish.</summary>
    public static string ReadmeCandidates => Path.Combine(TestResults, "readme");

    public static string ResultPath(string name)
    {
        Directory.CreateDirectory(TestResults);
        return Path.Combine(TestResults, name);
    }

    /// <summary>Keeps a screenshot as this run's candidate for the README (published by <c>.ci/readme-screenshots</c>, not by the test).</summary>
    public static void PublishForReadme(string resultPath, string name)
    {
        Directory.CreateDirectory(ReadmeCandidates);
        File.Copy(resultPath, Path.Combine(ReadmeCandidates, name), overwrite: true);
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
