using System.Collections;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Web;

/// <summary>
/// Replays the Dockerfile's build stage outside Docker (no engine here): project files first, its restore, the
/// rest of the context minus .dockerignore, its publish. Then starts the published app the way the image does,
/// with the image's environment, from a working directory that is not the app's folder, and checks that it
/// serves the pages, the framework and MudBlazor assets and its health.
/// </summary>
public sealed class DockerfilePublishTests : IDisposable
{
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(4);
    // A bound, not a pause: a Release publish took over 6 minutes on two cores shared with other test runs.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _root = Directory.CreateTempSubdirectory("flowweb-docker-").FullName;

    [Fact]
    public async Task Dockerfile_PublishedAppStartedFromElsewhere_ServesPagesAssetsAndHealth()
    {
        var repository = RepositoryRoot();
        var recipe = DockerfileRecipe.Parse(Path.Combine(repository, "Dockerfile"));
        var appFolder = await BuildLikeTheDockerfileAsync(repository, recipe);

        var entry = recipe.Entrypoint;
        Assert.True(entry is ["dotnet", _], $"ENTRYPOINT should be [\"dotnet\", \"<app>.dll\"], was [{string.Join(", ", entry)}]");
        var dll = Path.Combine(appFolder, entry[1]);
        Assert.True(File.Exists(dll), $"{entry[1]} is not in the publish output");

        Assert.Equal("/data", recipe.RuntimeEnvironment.GetValueOrDefault("Storage__DataDirectory"));
        Assert.Equal("http://+:8080", recipe.RuntimeEnvironment.GetValueOrDefault("ASPNETCORE_URLS"));

        var httpPort = LoopbackPorts.FreeTcp();
        var udpPort = LoopbackPorts.FreeUdp();
        var dataDirectory = Path.Combine(_root, "data");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        var environment = ContainerLikeEnvironment(recipe);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        environment["Storage__DataDirectory"] = dataDirectory;
        environment["Collector__DefaultPort"] = udpPort.ToString(CultureInfo.InvariantCulture);
        environment["Collector__SFlowPort"] = "0";

        // As a container is provisioned (README, Docker): the first administrator from the environment.
        foreach (var (key, value) in TestAccounts.Environment())
        {
            environment[key] = value;
        }

        using var app = ChildProcess.Start("dotnet", [dll], elsewhere, environment);
        using var http = TestAccounts.CookieClient(new Uri($"http://127.0.0.1:{httpPort}"), TimeSpan.FromSeconds(10));
        try
        {
            Assert.True(await ReadyAsync(http, app), $"The published app did not become healthy within {StartTimeout.TotalSeconds} s.\n{app.Output}");
            await TestAccounts.SignInAsync(http);

            var home = await GetAsync(http, "/", app);
            Assert.Contains("FlowWeb", home, StringComparison.Ordinal);
            Assert.NotEmpty(await GetAsync(http, "/_framework/blazor.web.js", app));
            Assert.NotEmpty(await GetAsync(http, "/_content/MudBlazor/MudBlazor.min.css", app));
            Assert.NotEmpty(await GetAsync(http, "/_content/MudBlazor/MudBlazor.min.js", app));
            Assert.Equal("Healthy", await GetAsync(http, "/health", app));
            Assert.True(Directory.Exists(dataDirectory), "the data directory should be created at start-up");

            // The collector works in the published app too.
            using (var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                await sender.SendToAsync(NetFlowV5Datagram.Build(records: 1), new IPEndPoint(IPAddress.Loopback, udpPort));
            }

            var listed = false;
            for (var attempt = 0; attempt < 50 && !listed; attempt++)
            {
                listed = (await GetAsync(http, "/", app)).Contains("127.0.0.1", StringComparison.Ordinal);
                if (!listed)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(listed, $"The exporter 127.0.0.1 never appeared on the home page.\n{app.Output}");

            // The image's HEALTHCHECK command, run with the image's environment, finds the app from ASPNETCORE_URLS.
            var (healthy, healthOutput) = await RunHealthCheckAsync(recipe, appFolder, environment, elsewhere);
            Assert.True(healthy == 0, $"HEALTHCHECK exited {healthy} while the app was up:\n{healthOutput}");
            app.Stop();
            var (down, _) = await RunHealthCheckAsync(recipe, appFolder, environment, elsewhere);
            Assert.Equal(1, down);
        }
        finally
        {
            app.Stop();
        }
    }

    private static Task<(int ExitCode, string Output)> RunHealthCheckAsync(
        DockerfileRecipe recipe, string appFolder, Dictionary<string, string> environment, string workDir)
    {
        var command = recipe.HealthCheck;
        Assert.True(command.Count > 1, "the Dockerfile should have an exec-form HEALTHCHECK CMD");
        var prefix = recipe.RuntimeWorkDir.TrimEnd('/') + "/";
        var arguments = command.Skip(1).Select(a => a.StartsWith(prefix, StringComparison.Ordinal) ? Path.Combine(appFolder, a[prefix.Length..]) : a);
        return ChildProcess.RunAsync(command[0], arguments, workDir, environment, TimeSpan.FromSeconds(30));
    }

    /// <summary>Replays the build stage in a scratch copy; returns the folder standing for the publish output.</summary>
    private async Task<string> BuildLikeTheDockerfileAsync(string repository, DockerfileRecipe recipe)
    {
        var ignore = new DockerIgnore(Path.Combine(repository, ".dockerignore"));
        var container = Path.Combine(_root, "container");
        string appFolder = "";
        var published = false;
        foreach (var step in recipe.BuildSteps)
        {
            var workDir = InContainer(container, step.WorkDir);
            Directory.CreateDirectory(workDir);
            if (step.Instruction == "COPY")
            {
                Copy(repository, ignore, step.Arguments, workDir);
                continue;
            }

            var arguments = step.Arguments.Skip(1).ToList();
            var isPublish = arguments.FirstOrDefault() == "publish";
            if (isPublish)
            {
                var output = arguments.FindIndex(a => a is "-o" or "--output");
                Assert.True(output > 0 && output + 1 < arguments.Count, "the publish step should name its output with -o");
                appFolder = InContainer(container, arguments[output + 1]);
                arguments[output + 1] = appFolder;
                Assert.Contains("--no-restore", arguments);
            }

            var (exitCode, log) = await ChildProcess.RunAsync(
                "dotnet", arguments, workDir, BuildEnvironment(), isPublish ? PublishTimeout : RestoreTimeout);
            Assert.True(exitCode == 0, $"`dotnet {string.Join(' ', step.Arguments.Skip(1))}` failed ({exitCode}):\n{log}");
            published |= isPublish;
        }

        Assert.True(published, "the Dockerfile's build stage has no `dotnet publish` step");
        return appFolder;
    }

    /// <summary>COPY sources... dest: a file, a folder or the whole context ("."), minus what .dockerignore leaves out.</summary>
    private static void Copy(string context, DockerIgnore ignore, IReadOnlyList<string> arguments, string workDir)
    {
        var destination = arguments[^1];
        var target = destination is "." or "./" ? workDir : Path.Combine(workDir, destination.TrimEnd('/'));
        foreach (var source in arguments.Take(arguments.Count - 1))
        {
            var from = Path.GetFullPath(Path.Combine(context, source));
            if (File.Exists(from))
            {
                var to = destination.EndsWith('/') || arguments.Count > 2 || destination is "." ? Path.Combine(target, Path.GetFileName(from)) : target;
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
                continue;
            }

            Assert.True(Directory.Exists(from), $"COPY source {source} does not exist");
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(context, file).Replace('\\', '/');
                if (ignore.Excludes(relative))
                {
                    continue;
                }

                var to = Path.Combine(target, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to, overwrite: true);
            }
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, ChildProcess app)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static async Task<string> GetAsync(HttpClient http, string path, ChildProcess app)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}\n{app.Output}");
        return body;
    }

    /// <summary>What a container would have: the Dockerfile's ENV and the basics of a process environment, nothing else.</summary>
    private static Dictionary<string, string> ContainerLikeEnvironment(DockerfileRecipe recipe)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (key, value) in recipe.RuntimeEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>The test's own environment for the SDK, without MSBuild state inherited from `dotnet test`, and leaving no build servers behind.</summary>
    private static Dictionary<string, string> BuildEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var key = (string)entry.Key;
            if (!key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment[key] = (string?)entry.Value ?? "";
            }
        }

        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["UseSharedCompilation"] = "false";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }

    private static string InContainer(string container, string path) =>
        Path.Combine(container, path.TrimStart('/'));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dockerfile")) && File.Exists(Path.Combine(dir.FullName, "FlowWeb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Dockerfile above {AppContext.BaseDirectory}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Leave it to the OS's temp cleaning rather than hide the test's own outcome.
        }
    }
}
