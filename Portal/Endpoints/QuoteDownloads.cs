using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Account;
using Portal.Components.Quotes;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Quotes;

namespace Portal.Endpoints;

/// <summary>
/// A quote's PDF (<see cref="QuotePdf"/>), as it reads now, downloaded as an attachment. Members of the quote's
/// organization download it at <see cref="QuotePaths.Pdf"/>, scoped to the organization they act in: another
/// organization's quote is not found (404), never refused, so that its id reveals nothing. Staff download any
/// organization's at <see cref="QuotePaths.StaffPdf"/>.
/// </summary>
public static class QuoteDownloads
{
    public const string Route = "/quotes/{id:guid}/pdf";
    public const string StaffRoute = "/staff/quotes/{id:guid}/pdf";

    public static WebApplication MapQuoteDownloads(this WebApplication app)
    {
        app.MapGet(Route, DownloadOwnAsync)
            .RequireAuthorization(Policies.Customer)
            .WithName("DownloadQuotePdf");
        app.MapGet(StaffRoute, DownloadAnyAsync)
            .RequireAuthorization(Policies.Staff)
            .WithName("StaffDownloadQuotePdf");
        return app;
    }

    private static async Task<IResult> DownloadOwnAsync(
        Guid id, ClaimsPrincipal user, HttpContext context, QuoteService quotes, QuotePdf pdf, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.OrganizationId() is not { } organizationId)
            return TypedResults.NotFound();
        var quote = await quotes.FindAsync(organizationId, id, cancellationToken);
        return quote is null ? TypedResults.NotFound() : await AttachmentAsync(context, quote, quotes, pdf, clock, cancellationToken);
    }

    private static async Task<IResult> DownloadAnyAsync(
        Guid id, HttpContext context, IDbContextFactory<PortalDbContext> dbFactory, QuoteService quotes, QuotePdf pdf, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        Quote? quote;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            quote = await db.Quotes.AsNoTracking().Include(q => q.Lines).SingleOrDefaultAsync(q => q.Id == id, cancellationToken);
        return quote is null ? TypedResults.NotFound() : await AttachmentAsync(context, quote, quotes, pdf, clock, cancellationToken);
    }

    private static async Task<IResult> AttachmentAsync(
        HttpContext context, Quote quote, QuoteService quotes, QuotePdf pdf, TimeProvider clock, CancellationToken cancellationToken)
    {
        var terms = await quotes.TermsAsync(cancellationToken);
        var document = pdf.Render(quote, clock.GetUtcNow(), terms.InvoiceDaysUntilDue);
        return Downloads.Attachment(context, document, QuotePdf.ContentType, QuotePdf.FileName(quote));
    }
}
