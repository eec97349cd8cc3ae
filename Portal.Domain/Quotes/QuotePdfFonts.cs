using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Portal.Domain.Quotes;

/// <summary>
/// The one typeface of the quote PDF, DejaVu Sans (regular and bold), served to PDFsharp from this assembly's embedded
/// resources (Quotes/Fonts, license beside them): PDFsharp's Core build finds no system fonts on Linux, and a document
/// that depended on the host's fonts would differ from one server to the next (docs/decisions/0016).
/// </summary>
internal sealed class QuotePdfFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private const string RegularFace = "DejaVuSans";
    private const string BoldFace = "DejaVuSans-Bold";

    private static readonly QuotePdfFonts Instance = new();

    // PDFsharp's font resolver is process-wide and may be set only once (or to the same instance again): the first
    // render in the process sets it, under Lazy's lock, so concurrent first renders cannot race.
    private static readonly Lazy<bool> Registration = new(() =>
    {
        GlobalFontSettings.FontResolver = Instance;
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ConcurrentDictionary<string, byte[]> _faces = new();

    private QuotePdfFonts()
    {
    }

    public static void EnsureRegistered() => _ = Registration.Value;

    /// <summary>Every family the quote asks for is DejaVu Sans; italic is slanted by PDFsharp, as the face has none here.</summary>
    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? BoldFace : RegularFace, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, Load);

    private static byte[] Load(string faceName)
    {
        var name = $"{typeof(QuotePdfFonts).Namespace}.Fonts.{faceName}.ttf";
        using var stream = typeof(QuotePdfFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded in {typeof(QuotePdfFonts).Assembly.GetName().Name}.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
