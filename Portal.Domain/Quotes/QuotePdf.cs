using System.Globalization;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Domain.Quotes;

/// <summary>
/// A quote as the PDF a procurement office files and raises its purchase order against (docs/decisions/0016): who
/// quotes whom, the number, date and valid-until, the lines with list and quoted unit prices, the discount and any
/// special price with their reasons, the total, and how to accept it; an expired quote is stamped so on every page.
/// Long quotes run over as many A4 pages as they need, the table's header repeated on each.
/// </summary>
public sealed class QuotePdf
{
    public const string ContentType = "application/pdf";
    public const string Vendor = "Key Metric Software";

    public static string FileName(Quote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        return $"{quote.Number}.pdf";
    }

    /// <summary>
    /// The quote's PDF as it reads at <paramref name="now"/>; the quote must have its lines loaded.
    /// <paramref name="invoiceDaysUntilDue"/> is the payment term an invoice would give (<see cref="QuoteTerms.InvoiceDaysUntilDue"/>).
    /// </summary>
    public byte[] Render(Quote quote, DateTimeOffset now, int invoiceDaysUntilDue)
    {
        ArgumentNullException.ThrowIfNull(quote);
        if (quote.Lines.Count == 0)
            throw new ArgumentException($"Quote {quote.Number} has no lines loaded; include them to render its PDF.", nameof(quote));
        QuotePdfFonts.EnsureRegistered();

        using var document = new PdfDocument();
        document.Info.Title = $"Quote {quote.Number}";
        document.Info.Author = Vendor;
        document.Info.Subject = $"Quote {quote.Number} for {quote.OrganizationName}";
        using (var pages = new QuoteDocument(document, quote, quote.StatusAt(now), invoiceDaysUntilDue))
            pages.Write();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>Lays the quote out top to bottom, starting a new page whenever the next block would not fit.</summary>
    private sealed class QuoteDocument(PdfDocument document, Quote quote, QuoteStatus status, int invoiceDaysUntilDue) : IDisposable
    {
        private const double PageWidth = 595.28; // A4 in points
        private const double PageHeight = 841.89;
        private const double Margin = 50;
        private const double Left = Margin;
        private const double Right = PageWidth - Margin;
        private const double Width = Right - Left;
        private const double ContentBottom = PageHeight - 64;
        private const double Padding = 4;

        // The table: description, quantity, unit list price, unit price, amount.
        private static readonly double[] ColumnWidths = [215, 40, 80, 80, 80];
        private static readonly string[] ColumnTitles = ["Description", "Qty", "Unit list price", "Unit price", "Amount"];

        // Fonts per document: PDFsharp ties each to the font resolver, which the first render registers.
        private readonly XFont _vendorFont = Font(14, bold: true);
        private readonly XFont _titleFont = Font(22, bold: true);
        private readonly XFont _numberFont = Font(11, bold: true);
        private readonly XFont _headingFont = Font(10.5, bold: true);
        private readonly XFont _bodyFont = Font(9);
        private readonly XFont _boldFont = Font(9, bold: true);
        private readonly XFont _smallFont = Font(7.5);
        private readonly XFont _totalFont = Font(11, bold: true);
        private readonly XFont _stampFont = Font(15, bold: true);

        private static readonly XBrush Ink = new XSolidBrush(XColor.FromArgb(33, 33, 33));
        private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(97, 97, 97));
        private static readonly XBrush Alert = new XSolidBrush(XColor.FromArgb(183, 28, 28));
        private static readonly XBrush HeaderFill = new XSolidBrush(XColor.FromArgb(238, 238, 238));
        private static readonly XPen Rule = new(XColor.FromArgb(204, 204, 204), 0.5);
        private static readonly XPen StrongRule = new(XColor.FromArgb(33, 33, 33), 0.8);
        private static readonly XPen StampPen = new(XColor.FromArgb(183, 28, 28), 1.6);

        private readonly bool _expired = status == QuoteStatus.Expired;
        private XGraphics? _graphics;
        private double _y;
        private bool _inTable;

        private XGraphics Graphics => _graphics ?? throw new InvalidOperationException("No page has been started.");

        public void Write()
        {
            StartPage();
            WriteParties();
            WriteLines();
            WriteTotals();
            WriteNextSteps();
            _graphics?.Dispose();
            _graphics = null;
            WriteFooters();
        }

        public void Dispose() => _graphics?.Dispose();

        private void WriteParties()
        {
            if (_expired)
            {
                Paragraph($"This quote expired on {DateAndTime(quote.ValidUntil)}. Its prices no longer hold: ask for a new quote at today's prices in the portal.",
                    _boldFont, Alert, Left, Width);
                _y += 8;
            }

            var top = _y;
            var left = Width * 0.5 - 10;
            var y = Lines(["Quote for"], _boldFont, Muted, Left, top, left);
            y = Lines(Wrap(quote.OrganizationName, _headingFont, left), _headingFont, Ink, Left, y, left);
            foreach (var line in quote.BillingAddress.Lines(quote.CountryCode))
                y = Lines(Wrap(line, _bodyFont, left), _bodyFont, Ink, Left, y, left);
            if (quote.BillingAddress.IsEmpty)
                y = Lines(Wrap(Countries.Find(quote.CountryCode)?.Name ?? quote.CountryCode, _bodyFont, left), _bodyFont, Ink, Left, y, left);
            if (quote.TaxId is { } taxId)
                y = Lines(Wrap($"Tax ID: {taxId}", _bodyFont, left), _bodyFont, Ink, Left, y, left);
            y = Lines(Wrap(quote.BillingEmail, _bodyFont, left), _bodyFont, Ink, Left, y, left);

            var details = new List<(string Label, string Value)>
            {
                ("Quote number", quote.Number),
                ("Date", Date(quote.CreatedAt)),
                ("Valid until", DateAndTime(quote.ValidUntil)),
                ("Status", status switch
                {
                    QuoteStatus.Accepted => $"Accepted on {Date(quote.AcceptedAt ?? quote.CreatedAt)}",
                    QuoteStatus.Expired => "Expired",
                    _ => "Open",
                }),
                ("Product", $"{quote.ProductName} {quote.Major}"),
                ("Requested by", quote.CreatedByEmail),
            };
            if (status == QuoteStatus.Accepted)
            {
                details.Add(("Purchase order", quote.PurchaseOrderNumber ?? "None given"));
                details.Add(("Payment", quote.PaymentMethod == Ordering.PaymentMethod.Invoice ? "By invoice" : "By card"));
            }
            var labelX = Left + Width * 0.5 + 10;
            const double labelWidth = 78;
            var valueX = labelX + labelWidth;
            var valueWidth = Right - valueX;
            var detailsY = top;
            foreach (var (label, value) in details)
            {
                Lines([label], _bodyFont, Muted, labelX, detailsY, labelWidth);
                detailsY = Lines(Wrap(value, label == "Quote number" ? _boldFont : _bodyFont, valueWidth),
                    label == "Quote number" ? _boldFont : _bodyFont, Ink, valueX, detailsY, valueWidth);
            }
            _y = Math.Max(y, detailsY) + 18;
        }

        private void WriteLines()
        {
            Lines(["Quoted items"], _headingFont, Ink, Left, _y, Width);
            Lines([$"Amounts in {quote.Currency}"], _bodyFont, Muted, Left, _y + 1.5, Width, XStringFormats.TopRight);
            _y += _headingFont.GetHeight() + 4;
            _inTable = true;
            TableHeader();
            foreach (var line in quote.Lines.OrderBy(l => l.Position))
            {
                var description = Wrap(line.Description, _bodyFont, ColumnWidths[0] - 2 * Padding);
                var height = description.Count * _bodyFont.GetHeight() + 2 * Padding;
                EnsureRoom(height);
                var cells = new[]
                {
                    line.Quantity.ToString(CultureInfo.InvariantCulture),
                    Amount(line.UnitListPrice),
                    Amount(line.UnitPrice),
                    Amount(line.Total),
                };
                Lines(description, _bodyFont, Ink, Left + Padding, _y + Padding, ColumnWidths[0] - 2 * Padding);
                var x = Left + ColumnWidths[0];
                for (var column = 0; column < cells.Length; column++)
                {
                    var width = ColumnWidths[column + 1];
                    Lines([cells[column]], _bodyFont, Ink, x + Padding, _y + Padding, width - 2 * Padding, XStringFormats.TopRight);
                    x += width;
                }
                _y += height;
                Graphics.DrawLine(Rule, Left, _y, Right, _y);
            }
            _inTable = false;
            _y += 10;
        }

        private void TableHeader()
        {
            var titles = ColumnTitles.Select((title, column) => Wrap(title, _boldFont, ColumnWidths[column] - 2 * Padding)).ToList();
            var height = titles.Max(t => t.Count) * _boldFont.GetHeight() + 2 * Padding;
            Graphics.DrawRectangle(HeaderFill, Left, _y, Width, height);
            var x = Left;
            for (var column = 0; column < titles.Count; column++)
            {
                Lines(titles[column], _boldFont, Ink, x + Padding, _y + Padding, ColumnWidths[column] - 2 * Padding,
                    column == 0 ? XStringFormats.TopLeft : XStringFormats.TopRight);
                x += ColumnWidths[column];
            }
            _y += height;
        }

        /// <summary>List price, then what the discount and the special price each take off with their reasons, then the total.</summary>
        private void WriteTotals()
        {
            var discount = quote.Lines.Sum(l => PricingService.PercentOf(l.UnitListPrice.Minor, quote.DiscountPercent) * l.Quantity);
            var rows = new List<(string Label, string Amount, string? Reason)> { ("List price", quote.Subtotal.ToString(), null) };
            if (quote.DiscountPercent > 0)
                rows.Add(($"Discount, {quote.DiscountPercent} %", Minus(new Money(discount, quote.Currency)), quote.DiscountReason));
            if (quote.SpecialPercent > 0)
                rows.Add(($"Special price, {quote.SpecialPercent} % off", Minus(new Money(quote.DiscountTotal.Minor - discount, quote.Currency)), quote.SpecialPriceReason));

            var x = Left + ColumnWidths[0] + ColumnWidths[1];
            var width = Right - x;
            var reasons = rows.Select(r => r.Reason is null ? [] : Wrap(r.Reason, _smallFont, width - 2 * Padding)).ToList();
            var height = rows.Count * _bodyFont.GetHeight() + reasons.Sum(r => r.Count * _smallFont.GetHeight() + 2)
                + _totalFont.GetHeight() + 12;
            EnsureRoom(height);
            for (var index = 0; index < rows.Count; index++)
            {
                Lines([rows[index].Label], _bodyFont, Ink, x + Padding, _y, width - 2 * Padding);
                _y = Lines([rows[index].Amount], _bodyFont, Ink, x + Padding, _y, width - 2 * Padding, XStringFormats.TopRight);
                if (reasons[index].Count > 0)
                    _y = Lines(reasons[index], _smallFont, Muted, x + Padding, _y, width - 2 * Padding) + 2;
            }
            _y += 3;
            Graphics.DrawLine(StrongRule, x, _y, Right, _y);
            _y += 4;
            Lines(["Total"], _totalFont, Ink, x + Padding, _y, width - 2 * Padding);
            _y = Lines([quote.Total.ToString()], _totalFont, Ink, x + Padding, _y, width - 2 * Padding, XStringFormats.TopRight) + 18;
        }

        private void WriteNextSteps()
        {
            var (heading, paragraphs) = status switch
            {
                QuoteStatus.Accepted => ("Accepted", new[]
                {
                    $"{quote.OrganizationName} accepted this quote on {Date(quote.AcceptedAt ?? quote.CreatedAt)}"
                    + (quote.PurchaseOrderNumber is { } po ? $" with purchase order {po}" : "")
                    + (quote.PaymentMethod == Ordering.PaymentMethod.Invoice ? ", to be paid by invoice." : ", to be paid by card."),
                    "The order and its payment are on the quote's page in the portal.",
                }),
                QuoteStatus.Expired => ("Expired", new[]
                {
                    $"This quote expired on {DateAndTime(quote.ValidUntil)} without being accepted, and its prices no longer hold.",
                    "Ask for a new quote at today's prices in one click on this quote's page in the portal.",
                }),
                _ => ("How to accept this quote", new[]
                {
                    $"Sign in to the {Vendor} portal, open quote {quote.Number} under Quotes and accept it by {DateAndTime(quote.ValidUntil)}, "
                    + "with your purchase-order number if your organization issues one. The prices above hold until then.",
                    $"Then pay by card at once, or choose to pay by invoice: the invoice is payable within {"day".ToQuantity(invoiceDaysUntilDue)}, "
                    + "by card or bank transfer. License keys are issued in the portal when the payment arrives, unless we have agreed to issue them with the invoice.",
                }),
            };
            var lineHeight = _bodyFont.GetHeight();
            EnsureRoom(_headingFont.GetHeight() + 4 + 2 * lineHeight);
            _y = Lines([heading], _headingFont, status == QuoteStatus.Expired ? Alert : Ink, Left, _y, Width) + 4;
            foreach (var paragraph in paragraphs)
            {
                Paragraph(paragraph, _bodyFont, Ink, Left, Width);
                _y += 4;
            }
        }

        private void StartPage()
        {
            _graphics?.Dispose();
            var page = document.AddPage();
            page.Size = PageSize.A4;
            _graphics = XGraphics.FromPdfPage(page);
            _y = Margin;
            if (document.PageCount == 1)
            {
                Lines([Vendor], _vendorFont, Ink, Left, _y, Width);
                Lines(["Software licenses"], _bodyFont, Muted, Left, _y + _vendorFont.GetHeight(), Width);
                Lines(["Quote"], _titleFont, Ink, Left, _y - 4, Width, XStringFormats.TopRight);
                Lines([quote.Number], _numberFont, Ink, Left, _y - 4 + _titleFont.GetHeight(), Width, XStringFormats.TopRight);
                _y += 56;
            }
            else
            {
                // Level with the middle of the stamp, which an expired quote has on every page.
                Lines([Vendor], _boldFont, Ink, Left, _y + 2, Width);
                Lines([$"Quote {quote.Number} (continued)"], _bodyFont, Ink, Left, _y + 2, Width, XStringFormats.TopRight);
                _y += 26;
                Graphics.DrawLine(Rule, Left, _y, Right, _y);
                _y += 12;
            }
            if (_expired)
                Stamp();
        }

        /// <summary>"EXPIRED" in a red box at the top of the page, between the vendor and the title.</summary>
        private void Stamp()
        {
            const string text = "EXPIRED";
            var size = Graphics.MeasureString(text, _stampFont);
            var box = new XRect((PageWidth - size.Width) / 2 - 10, Margin - 6, size.Width + 20, size.Height + 8);
            Graphics.DrawRectangle(StampPen, box);
            Graphics.DrawString(text, _stampFont, Alert, box, XStringFormats.Center);
        }

        private void WriteFooters()
        {
            for (var index = 0; index < document.PageCount; index++)
            {
                using var graphics = XGraphics.FromPdfPage(document.Pages[index], XGraphicsPdfPageOptions.Append);
                var top = PageHeight - Margin + 14;
                graphics.DrawLine(Rule, Left, top - 6, Right, top - 6);
                graphics.DrawString($"{Vendor} · Quote {quote.Number} for {quote.OrganizationName}", _smallFont, Muted,
                    new XRect(Left, top, Width - 70, _smallFont.GetHeight()), XStringFormats.TopLeft);
                graphics.DrawString($"Page {index + 1} of {document.PageCount}", _smallFont, Muted,
                    new XRect(Left, top, Width, _smallFont.GetHeight()), XStringFormats.TopRight);
            }
        }

        /// <summary>Makes room for a block of <paramref name="height"/>: a new page when it would not fit, the table's header repeated there.</summary>
        private void EnsureRoom(double height)
        {
            if (_y + height <= ContentBottom)
                return;
            StartPage();
            if (_inTable)
                TableHeader();
        }

        /// <summary>Wrapped text at the cursor, line by line, moving to a new page between lines when needed.</summary>
        private void Paragraph(string text, XFont font, XBrush brush, double x, double width)
        {
            foreach (var line in Wrap(text, font, width))
            {
                EnsureRoom(font.GetHeight());
                _y = Lines([line], font, brush, x, _y, width);
            }
        }

        /// <summary>Draws lines one under the other from <paramref name="y"/>; returns the y below the last.</summary>
        private double Lines(IEnumerable<string> lines, XFont font, XBrush brush, double x, double y, double width, XStringFormat? format = null)
        {
            var height = font.GetHeight();
            foreach (var line in lines)
            {
                Graphics.DrawString(line, font, brush, new XRect(x, y, width, height), format ?? XStringFormats.TopLeft);
                y += height;
            }
            return y;
        }

        /// <summary>Breaks text into lines that fit the width: at spaces, and inside a word only when the word alone is too wide.</summary>
        private List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : $"{line} {word}";
                    if (Fits(candidate, font, width))
                    {
                        line = candidate;
                        continue;
                    }
                    if (line.Length > 0)
                        lines.Add(line);
                    line = word;
                    while (line.Length > 1 && !Fits(line, font, width))
                    {
                        var fit = line.Length - 1;
                        while (fit > 1 && !Fits(line[..fit], font, width))
                            fit--;
                        lines.Add(line[..fit]);
                        line = line[fit..];
                    }
                }
                lines.Add(line);
            }
            return lines;
        }

        private bool Fits(string text, XFont font, double width) => Graphics.MeasureString(text, font).Width <= width;

        private static XFont Font(double size, bool bold = false) =>
            new(QuotePdfFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

        private static string Amount(Money money) => money.Major.ToString("N" + money.Decimals, CultureInfo.InvariantCulture);

        private static string Minus(Money money) => $"−{money}";

        private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

        private static string DateAndTime(DateTimeOffset at) => at.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }
}
