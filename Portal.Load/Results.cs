using System.Globalization;
using System.Text;

namespace Portal.Load;

/// <summary>One measured figure, with its budget when it has one.</summary>
public sealed record Figure(string Scenario, string Name, string Value, string Target = "", bool? Met = null)
{
    public string Verdict => Met switch { true => "met", false => "NOT met", null => "" };
}

/// <summary>The figures of a run, the machine they were taken on, printed as a table and written as Markdown.</summary>
public sealed class Results
{
    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];

    public bool Failed { get; private set; }

    public void Add(Figure figure) => _figures.Add(figure);

    public void Note(string note) => _notes.Add(note);

    /// <summary>A correctness check failed: the harness exits non-zero.</summary>
    public void Fail(string reason)
    {
        Failed = true;
        _notes.Add("FAILED: " + reason);
    }

    /// <summary>The machine as it is now: cores and load average (the box is shared, so this belongs to each figure).</summary>
    public static string Machine()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3) : ["n/a"];
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, load average {string.Join(" / ", load)} (1/5/15 min), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    public string ToText()
    {
        var rows = _figures.Select(f => new[] { f.Scenario, f.Name, f.Value, f.Target, f.Verdict }).Prepend(["Scenario", "Figure", "Value", "Target", ""]).ToList();
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        foreach (var note in _notes)
            text.AppendLine(note);
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Figure | Value | Target | |");
        text.AppendLine("|---|---|---:|---|---|");
        foreach (var f in _figures)
            text.AppendLine($"| {f.Scenario} | {f.Name} | {f.Value} | {f.Target} | {f.Verdict} |");
        text.AppendLine();
        foreach (var note in _notes)
            text.AppendLine($"- {note}");
        return text.ToString();
    }
}
