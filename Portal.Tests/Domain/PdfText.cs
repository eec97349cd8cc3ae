using UglyToad.PdfPig.Content;
using PdfPigDocument = UglyToad.PdfPig.PdfDocument;

namespace Portal.Tests.Domain;

/// <summary>
/// A PDF read back with PdfPig as a person reads it: each page's words grouped into lines by their baseline, top to
/// bottom and left to right, words joined by one space.
/// </summary>
internal sealed class PdfText
{
    private PdfText(IReadOnlyList<IReadOnlyList<Word>> pages) => Words = pages;

    /// <summary>Each page's words.</summary>
    public IReadOnlyList<IReadOnlyList<Word>> Words { get; }

    /// <summary>Each page's text, its lines separated by '\n'.</summary>
    public IReadOnlyList<string> Pages => [.. Words.Select(words => Text(words))];

    /// <summary>Every page's text, one after the other.</summary>
    public string All => string.Join("\n", Pages);

    public static PdfText Read(byte[] pdf)
    {
        using var document = PdfPigDocument.Open(pdf);
        return new PdfText([.. document.GetPages().Select(page => (IReadOnlyList<Word>)[.. page.GetWords()])]);
    }

    /// <summary>
    /// The text of the words that start left of the first <paramref name="word"/> on each page that has it (a table's
    /// first column, when it is the second column's heading), or from it rightwards (<paramref name="rightOf"/>), all
    /// those pages' lines joined by spaces: a cell wrapped over several lines reads as one.
    /// </summary>
    public string Column(string word, bool rightOf = false) =>
        string.Join(" ", Words.Where(words => words.Any(w => w.Text == word)).Select(words =>
        {
            var edge = words.First(w => w.Text == word).BoundingBox.Left - 1;
            return Text(words.Where(w => rightOf ? w.BoundingBox.Left >= edge : w.BoundingBox.Left < edge), " ");
        }));

    private static string Text(IEnumerable<Word> words, string lineSeparator = "\n")
    {
        var lines = new List<List<Word>>();
        foreach (var word in words.OrderByDescending(w => w.BoundingBox.Bottom))
        {
            if (lines.Count > 0 && Math.Abs(lines[^1][0].BoundingBox.Bottom - word.BoundingBox.Bottom) < 2)
                lines[^1].Add(word);
            else
                lines.Add([word]);
        }
        return string.Join(lineSeparator, lines.Select(line => string.Join(" ", line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))));
    }
}
