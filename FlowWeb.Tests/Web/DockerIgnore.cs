using System.Text;
using System.Text.RegularExpressions;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The .dockerignore patterns the repository uses (<c>*</c>, <c>?</c>, <c>**/</c>, a trailing <c>/</c>); a path
/// is left out when it or one of its parent folders matches. Exceptions (<c>!</c>) are refused, not ignored.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<Regex> _patterns = [];

    public DockerIgnore(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('!'))
            {
                throw new InvalidDataException($"The publish test does not support .dockerignore exceptions: {line}");
            }

            _patterns.Add(ToRegex(line.Trim('/')));
        }
    }

    /// <summary>True when <paramref name="relativePath"/> (with '/' separators) is left out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var parts = relativePath.Split('/');
        for (var i = 1; i <= parts.Length; i++)
        {
            var prefix = string.Join('/', parts[..i]);
            if (_patterns.Exists(p => p.IsMatch(prefix)))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string glob)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(glob[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
