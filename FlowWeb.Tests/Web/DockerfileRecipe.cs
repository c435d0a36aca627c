using System.Text.Json;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The parts of the top-level Dockerfile the publish test replays: the build stage's steps in order, and the
/// final stage's environment, working directory and entry point. Anything it cannot replay faithfully is an
/// error, so the test cannot pass against a Dockerfile it does not understand.
/// </summary>
internal sealed class DockerfileRecipe
{
    public List<BuildStep> BuildSteps { get; } = [];

    public string BuildWorkDir { get; private set; } = "/";

    public Dictionary<string, string> RuntimeEnvironment { get; } = new(StringComparer.Ordinal);

    public string RuntimeWorkDir { get; private set; } = "/";

    public IReadOnlyList<string> Entrypoint { get; private set; } = [];

    /// <summary>The exec-form command of HEALTHCHECK CMD, without its options.</summary>
    public IReadOnlyList<string> HealthCheck { get; private set; } = [];

    /// <summary>A COPY of context paths into the build stage, or a RUN of a dotnet command.</summary>
    public sealed record BuildStep(string Instruction, IReadOnlyList<string> Arguments, string WorkDir);

    public static DockerfileRecipe Parse(string path)
    {
        var recipe = new DockerfileRecipe();
        var stage = -1;
        foreach (var (instruction, rest) in Instructions(File.ReadAllLines(path)))
        {
            if (instruction == "FROM")
            {
                stage++;
                continue;
            }

            if (stage == 0)
            {
                recipe.ReadBuildStage(instruction, rest);
            }
            else
            {
                recipe.ReadRuntimeStage(instruction, rest);
            }
        }

        if (stage != 1)
        {
            throw new InvalidDataException($"Expected a build stage and a runtime stage, found {stage + 1} stage(s).");
        }

        return recipe;
    }

    private void ReadBuildStage(string instruction, string rest)
    {
        switch (instruction)
        {
            case "WORKDIR":
                BuildWorkDir = rest;
                break;
            case "COPY" when !rest.StartsWith("--", StringComparison.Ordinal):
                BuildSteps.Add(new BuildStep("COPY", Words(rest), BuildWorkDir));
                break;
            case "RUN" when rest.StartsWith("dotnet ", StringComparison.Ordinal):
                BuildSteps.Add(new BuildStep("RUN", Words(rest), BuildWorkDir));
                break;
            default:
                throw new InvalidDataException($"The publish test cannot replay this build-stage step: {instruction} {rest}");
        }
    }

    private void ReadRuntimeStage(string instruction, string rest)
    {
        switch (instruction)
        {
            case "WORKDIR":
                RuntimeWorkDir = rest;
                break;
            case "ENV":
                foreach (var (key, value) in EnvPairs(rest))
                {
                    RuntimeEnvironment[key] = value;
                }

                break;
            case "ENTRYPOINT":
                Entrypoint = JsonSerializer.Deserialize<string[]>(rest) ?? [];
                break;
            case "HEALTHCHECK":
                var cmd = rest.IndexOf("CMD [", StringComparison.Ordinal);
                HealthCheck = cmd < 0 ? [] : JsonSerializer.Deserialize<string[]>(rest[(cmd + 4)..]) ?? [];
                break;
        }
    }

    /// <summary>Instructions with their continuation lines joined and comments dropped.</summary>
    private static IEnumerable<(string Instruction, string Arguments)> Instructions(string[] lines)
    {
        var current = "";
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            var space = current.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                yield return (current[..space].ToUpperInvariant(), current[(space + 1)..].Trim());
            }

            current = "";
        }
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary><c>ENV KEY=value KEY2=value2</c> or the legacy <c>ENV KEY value</c> (no quoting in either).</summary>
    private static IEnumerable<(string Key, string Value)> EnvPairs(string rest)
    {
        var words = Words(rest);
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            yield return (words[0], string.Join(' ', words[1..]));
            yield break;
        }

        foreach (var word in words)
        {
            if (word.Contains('"', StringComparison.Ordinal) || word.Contains('\'', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"The publish test does not parse quoted ENV values: {rest}");
            }

            var eq = word.IndexOf('=', StringComparison.Ordinal);
            yield return (word[..eq], word[(eq + 1)..]);
        }
    }
}
