using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portal.Components;
using Portal.Components.Account;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;

namespace Portal.Endpoints;

/// <summary>
/// <c>GET /evaluation/{id}/download</c>: the evaluation's license file (<c>.lic</c>) as an attachment, for members of the
/// evaluation's organization with the Technical role (<see cref="KeyDownloads"/>, which records the download); any other
/// evaluation is a 404, so ids of other organizations reveal nothing, and a member without the role is refused (403).
/// </summary>
public static class EvaluationDownloads
{
    public const string Route = "/evaluation/{id:guid}/download";

    public static string PathFor(Guid evaluationId) => $"/evaluation/{evaluationId}/download";

    public static WebApplication MapEvaluationDownloads(this WebApplication app)
    {
        app.MapGet(Route, DownloadAsync)
            .RequireAuthorization(Policies.Customer)
            .WithName("EvaluationDownload");
        return app;
    }

    internal static async Task<IResult> DownloadAsync(
        Guid id, ClaimsPrincipal user, HttpContext context, KeyDownloads keys, CancellationToken cancellationToken)
    {
        if (user.OrganizationId() is not { } organizationId)
            return TypedResults.NotFound();

        EvaluationKey? found;
        try
        {
            found = await keys.EvaluationAsync(organizationId, id, CurrentActor.From(user), cancellationToken);
        }
        catch (DomainException refused)
        {
            return Downloads.Refused(refused);
        }
        if (found is null)
            return TypedResults.NotFound();

        // The readable header repeats what the key states (the key is re-signed when the expiry changes), so licensee,
        // seats, issue time and support end come from the key itself; the database has the rest.
        var stated = KeyStatements.Read(found.Key);
        var claims = new LicenseKeyClaims(
            found.EvaluationId, found.ProductCode, found.ProductName, stated.Licensee ?? found.Licensee, found.Major, stated.Seats ?? found.Seats,
            LicenseKind.Evaluation, stated.IssuedAt ?? found.StartedAt, stated.SupportEndsOn, found.ExpiresAt);
        var file = Encoding.UTF8.GetBytes(LicenseFile.Format(claims, found.Key));
        return Downloads.Attachment(context, file, LicenseFile.MediaType, LicenseFile.FileName(claims));
    }

    /// <summary>What a stored key states for the readable header; nothing when it cannot be read (it is never trusted here).</summary>
    private sealed record KeyStatements(string? Licensee, int? Seats, DateTimeOffset? IssuedAt, DateOnly? SupportEndsOn)
    {
        public static KeyStatements Read(string key)
        {
            JsonWebToken token;
            try
            {
                token = new JsonWebToken(key);
            }
            catch (Exception error) when (error is ArgumentException or SecurityTokenMalformedException)
            {
                return new KeyStatements(null, null, null, null);
            }
            return new KeyStatements(
                Claim(token, LicenseKeyFormat.LicenseeClaim),
                int.TryParse(Claim(token, LicenseKeyFormat.SeatsClaim), CultureInfo.InvariantCulture, out var seats) ? seats : null,
                token.IssuedAt == DateTime.MinValue ? null : new DateTimeOffset(token.IssuedAt, TimeSpan.Zero),
                DateOnly.TryParseExact(Claim(token, LicenseKeyFormat.SupportEndClaim), LicenseKeyFormat.DateFormat,
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var supportEnd) ? supportEnd : null);
        }

        private static string? Claim(JsonWebToken token, string claim) =>
            token.TryGetClaim(claim, out var value) ? value.Value : null;
    }
}
