using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Account;
using Portal.Components;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;

namespace Portal.Endpoints;

/// <summary>
/// Downloads for customers: one license file, all current keys in one file, and the license history as CSV. Each is
/// scoped to the signed-in member's organization: another organization's license is not found (404), never refused
/// (which would confirm that it exists). Keys go only to members with the Technical role (<see cref="KeyDownloads"/>,
/// which records each download in the license history): anyone else is refused (403) whatever the id. The history
/// export is open to every member.
/// </summary>
public static class LicenseDownloads
{
    public const string DownloadAllPath = "/licenses/download-all";
    public const string HistoryExportPath = "/history/export.csv";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static string DownloadPath(Guid licenseId) => $"/licenses/{licenseId}/download";

    public static WebApplication MapLicenseDownloads(this WebApplication app)
    {
        var customer = app.MapGroup("").RequireAuthorization(Policies.Customer);
        customer.MapGet("/licenses/{id:guid}/download", DownloadOneAsync).WithName("DownloadLicense");
        customer.MapGet(DownloadAllPath, DownloadAllAsync).WithName("DownloadAllLicenses");
        customer.MapGet(HistoryExportPath, ExportHistory).WithName("ExportLicenseHistory");
        return app;
    }

    private static async Task<IResult> DownloadOneAsync(
        Guid id, ClaimsPrincipal user, HttpContext context, KeyDownloads keys, CancellationToken cancellationToken)
    {
        LicenseDetail? license;
        try
        {
            license = await keys.LicenseAsync(user.OrganizationId() ?? Guid.Empty, id, CurrentActor.From(user), cancellationToken);
        }
        catch (DomainException refused)
        {
            return Downloads.Refused(refused);
        }
        if (license is null)
            return TypedResults.NotFound();

        return Downloads.Attachment(context, Utf8.GetBytes(license.LicenseFileText), $"{LicenseFile.MediaType}; charset=utf-8", license.LicenseFileName);
    }

    private static async Task<IResult> DownloadAllAsync(
        ClaimsPrincipal user, HttpContext context, KeyDownloads keys, TimeProvider clock, CancellationToken cancellationToken)
    {
        IReadOnlyList<LicenseDetail> licenses;
        try
        {
            licenses = await keys.CurrentLicensesAsync(user.OrganizationId() ?? Guid.Empty, CurrentActor.From(user), cancellationToken);
        }
        catch (DomainException refused)
        {
            return Downloads.Refused(refused);
        }
        if (licenses.Count == 0)
            return TypedResults.NotFound();

        var now = clock.GetUtcNow();
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Current license keys of {licenses[0].Licensee}: {licenses.Count} active {"license".ToQuantity(licenses.Count, ShowQuantityAs.None)}, downloaded {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC.\n")
            .Append("Each block below is one complete license file. Install a license by importing its block, or save it as its own .lic file.\n");
        foreach (var license in licenses)
            text.Append('\n').Append(license.LicenseFileText);

        var fileName = $"{Slug(licenses[0].Licensee)}-license-keys-{now.UtcDateTime:yyyy-MM-dd}.txt";
        return Downloads.Attachment(context, Utf8.GetBytes(text.ToString()), $"{LicenseFile.MediaType}; charset=utf-8", fileName);
    }

    /// <summary>The whole history, streamed: memory stays flat however long the history is.</summary>
    private static IResult ExportHistory(
        ClaimsPrincipal user, HttpContext context, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
    {
        var organizationId = user.OrganizationId() ?? Guid.Empty;
        Downloads.NoStoreNoSniff(context);
        var fileName = $"license-history-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.csv";
        return TypedResults.Stream(async body =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
            // A byte order mark, so that spreadsheet programs read the file as UTF-8.
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 16 * 1024, leaveOpen: true);
            await HistoryCsv.WriteAsync(HistoryQueries.AllLicenseHistory(db, organizationId), writer, context.RequestAborted);
        }, $"{HistoryCsv.MediaType}; charset=utf-8", fileName);
    }

    private static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        var result = slug.ToString().Trim('-');
        return result.Length == 0 ? "organization" : result;
    }
}
