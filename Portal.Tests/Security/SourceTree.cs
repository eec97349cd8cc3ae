using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Tests.Security;

/// <summary>
/// The files of a source tree that a commit could hold, as paths relative to its root with <c>/</c> between folders. In a
/// git checkout: what git tracks or would add (<c>git ls-files --cached --others --exclude-standard</c>). In a copy of
/// the sources that is not one (an unpacked archive, a copy without <c>.git</c>), or where git cannot run: every file
/// found by walking the tree, leaving out git's own <c>.git</c>, build output, test results and packages
/// (<see cref="SkippedFolders"/>) and what the tree's <c>.gitignore</c> files exclude.
/// </summary>
public static class SourceTree
{
    /// <summary>Folders that never hold sources, whatever a <c>.gitignore</c> says.</summary>
    public static readonly IReadOnlySet<string> SkippedFolders =
        new HashSet<string>(["bin", "obj", "node_modules", "TestResults"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Files(string root)
    {
        var isCheckout = Directory.Exists(Path.Combine(root, ".git")) || File.Exists(Path.Combine(root, ".git"));
        return (isCheckout ? GitFiles(root) : null) ?? WalkedFiles(root);
    }

    /// <summary>What git lists, or null when git cannot list it (not installed, or it refuses the folder).</summary>
    private static List<string>? GitFiles(string root)
    {
        Process? git;
        try
        {
            git = Process.Start(new ProcessStartInfo("git", "ls-files -z --cached --others --exclude-standard")
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        if (git is null)
            return null;
        using (git)
        {
            // Both streams are read at once, so that git never waits on a full pipe.
            var errors = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            errors.Wait();
            return git.ExitCode != 0
                ? null
                : output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct()
                    .Where(file => File.Exists(Path.Combine(root, file))).ToList();
        }
    }

    /// <summary>Every file under <paramref name="root"/> but those in skipped or ignored folders and the ignored files, in name order.</summary>
    public static IReadOnlyList<string> WalkedFiles(string root)
    {
        var files = new List<string>();
        Walk(new DirectoryInfo(root), "", GitIgnore.None, files);
        return files;
    }

    private static void Walk(DirectoryInfo folder, string relativePath, GitIgnore inherited, List<string> files)
    {
        var ignore = inherited.With(folder, relativePath);
        foreach (var entry in folder.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // A repository's folder, or a worktree's file that points to one.
            if (entry.Name.Equals(".git", StringComparison.OrdinalIgnoreCase))
                continue;
            var path = relativePath.Length == 0 ? entry.Name : $"{relativePath}/{entry.Name}";
            if (entry is DirectoryInfo subfolder)
            {
                // A linked folder is not followed, as git does not: it could lead out of the tree or round in a circle.
                if (!SkippedFolders.Contains(subfolder.Name) && subfolder.LinkTarget is null && !ignore.Excludes(path, isFolder: true))
                    Walk(subfolder, path, ignore, files);
            }
            else if (!ignore.Excludes(path, isFolder: false))
            {
                files.Add(path);
            }
        }
    }
}

/// <summary>
/// The rules of the <c>.gitignore</c> files met on the way down a tree, read as git reads them: blank lines and
/// <c>#</c> comments skipped; <c>!</c> includes again what an earlier rule excluded (the last rule that matches decides);
/// a trailing <c>/</c> matches folders only; a pattern with a <c>/</c> before its end is relative to its file's folder,
/// one without matches a name at any depth; <c>*</c>, <c>?</c>, <c>[...]</c> and <c>**</c> as in git. Nothing inside an
/// excluded folder is looked at, so, as in git, a <c>!</c> rule cannot bring it back.
/// </summary>
public sealed class GitIgnore
{
    private readonly IReadOnlyList<Rule> _rules;

    private GitIgnore(IReadOnlyList<Rule> rules) => _rules = rules;

    public static GitIgnore None { get; } = new([]);

    /// <summary>These rules and those of the <c>.gitignore</c> in <paramref name="folder"/>, if it has one.</summary>
    public GitIgnore With(DirectoryInfo folder, string relativePath)
    {
        var file = Path.Combine(folder.FullName, ".gitignore");
        if (!File.Exists(file))
            return this;
        var rules = File.ReadAllLines(file).Select(line => Rule.Parse(line, relativePath)).OfType<Rule>().ToList();
        return rules.Count == 0 ? this : new GitIgnore([.. _rules, .. rules]);
    }

    /// <summary>Whether the file or folder at <paramref name="path"/> (relative to the root, <c>/</c>-separated) is ignored.</summary>
    public bool Excludes(string path, bool isFolder)
    {
        var excluded = false;
        foreach (var rule in _rules)
        {
            if (rule.Matches(path, isFolder))
                excluded = !rule.Includes;
        }
        return excluded;
    }

    private sealed record Rule(string Folder, Regex Pattern, bool Includes, bool FoldersOnly)
    {
        public static Rule? Parse(string line, string folder)
        {
            var pattern = line.TrimEnd();
            if (pattern.Length == 0 || pattern.StartsWith('#'))
                return null;
            var includes = pattern.StartsWith('!');
            if (includes)
                pattern = pattern[1..];
            else if (pattern.StartsWith(@"\!", StringComparison.Ordinal) || pattern.StartsWith(@"\#", StringComparison.Ordinal))
                pattern = pattern[1..];
            var foldersOnly = pattern.EndsWith('/');
            pattern = pattern.TrimEnd('/');
            if (pattern.Length == 0)
                return null;
            var anchored = pattern.Contains('/');
            pattern = pattern.TrimStart('/');
            var regex = "^" + (anchored ? "" : "(?:.*/)?") + GlobToRegex(pattern) + "$";
            return new Rule(folder, new Regex(regex, RegexOptions.CultureInvariant), includes, foldersOnly);
        }

        public bool Matches(string path, bool isFolder)
        {
            if (FoldersOnly && !isFolder)
                return false;
            if (Folder.Length > 0)
            {
                if (!path.StartsWith(Folder + "/", StringComparison.Ordinal))
                    return false;
                path = path[(Folder.Length + 1)..];
            }
            return Pattern.IsMatch(path);
        }

        private static string GlobToRegex(string glob)
        {
            var regex = new StringBuilder();
            for (var i = 0; i < glob.Length; i++)
            {
                var c = glob[i];
                if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
                {
                    var followedBySlash = i + 2 < glob.Length && glob[i + 2] == '/';
                    // "**/" matches any number of folders, none included; a final "**" everything below.
                    regex.Append(followedBySlash ? "(?:.*/)?" : ".*");
                    i += followedBySlash ? 2 : 1;
                }
                else if (c == '*')
                {
                    regex.Append("[^/]*");
                }
                else if (c == '?')
                {
                    regex.Append("[^/]");
                }
                else if (c == '[' && glob.IndexOf(']', i + 1) is var end and > 0)
                {
                    var set = glob[(i + 1)..end];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + set[1..] : set).Append(']');
                    i = end;
                }
                else if (c == '\\' && i + 1 < glob.Length)
                {
                    regex.Append(Regex.Escape(glob[++i].ToString()));
                }
                else
                {
                    regex.Append(Regex.Escape(c.ToString()));
                }
            }
            return regex.ToString();
        }
    }
}
