namespace FlowWeb.Core.Storage;

/// <summary>Where FlowWeb keeps its files (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Folder for databases and other state. A relative path is resolved against the working directory the
    /// process was started from (so <c>dotnet run</c> from the repository uses <c>./data</c> there); services
    /// and containers should set an absolute path. Created at start-up when missing.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary><see cref="DataDirectory"/> as an absolute path.</summary>
    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return $"{SectionName}:{nameof(DataDirectory)} must name a folder.";
            yield break;
        }

        string? problem = null;
        try
        {
            _ = Path.GetFullPath(DataDirectory);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return $"{SectionName}:{nameof(DataDirectory)} is not a usable path ('{DataDirectory}'): {problem}";
        }
    }
}
