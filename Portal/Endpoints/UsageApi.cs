using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.Components.Usage;
using Portal.Domain;
using Portal.Domain.Usage;
using Portal.Payments;

namespace Portal.Endpoints;

/// <summary>What <c>POST /api/usage</c> answers for a report taken in: how the installation stands now.</summary>
public sealed record UsageApiReceipt(
    Guid InstallationId,
    string Name,
    string Product,
    string Version,
    bool NewInstallation,
    string State,
    int EnabledUsers,
    int PeakEnabledUsers,
    int SeatsInstalled,
    int SeatsNotInstalled,
    int MissingSeats,
    IReadOnlyList<UsageApiFlaggedKey> FlaggedKeys,
    Uri Page);

/// <summary>A key the report named that does not belong where it is installed, and why.</summary>
public sealed record UsageApiFlaggedKey(Guid LicenseId, string Standing, string Explanation);

/// <summary>
/// <c>POST /api/usage</c> (docs/usage-report.md): an installation posts its usage report with its installation token as
/// <c>Authorization: Bearer kmu_…</c>. Cookies play no part (no sign-in, no antiforgery token, never a redirect to the
/// sign-in page). The token is checked before the body is read: without a valid one the answer is 401 whatever was
/// sent. The body is read up to <see cref="UsageReportFormat.MaxBytes"/> and no further. Every refusal but the rate
/// limit's 429 (<see cref="RateLimits"/>) is a problem (<c>application/problem+json</c>) whose detail says what to do;
/// no input makes it answer 500.
/// </summary>
public static class UsageApi
{
    private const string BearerScheme = "Bearer";

    private static readonly string[] OtherMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options];

    public static WebApplication MapUsageApi(this WebApplication app)
    {
        app.MapPost(UsagePaths.Api, PostAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(UsageReportFormat.MaxBytes))
            .WithName("PostUsageReport");
        // Routing's own 405 has no body, which the status code pages would answer with the not-found page.
        app.MapMethods(UsagePaths.Api, OtherMethods, (HttpContext context) =>
            {
                context.Response.Headers.Allow = HttpMethods.Post;
                return Problem(StatusCodes.Status405MethodNotAllowed, "Post the usage report.",
                    $"{UsagePaths.Api} takes usage reports by POST only, as docs/usage-report.md describes.");
            })
            .AllowAnonymous()
            .WithName("UsageApiOtherMethods");
        return app;
    }

    private static async Task<IResult> PostAsync(
        HttpContext context, UsageService usage, IConfiguration configuration, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(UsageApi));
        var request = context.Request;
        var secret = BearerSecret(request);
        try
        {
            var receipt = await usage.PostAsync(secret, token => ReadReportAsync(request, token), cancellationToken);
            var page = PageOf(receipt.Installation, configuration, request);
            var answer = Receipt(receipt, page);
            logger.LogInformation("Usage report taken in for installation {InstallationId} ({State}, {EnabledUsers} enabled users)",
                receipt.Installation.Id, answer.State, answer.EnabledUsers);
            return receipt.IsNewInstallation ? TypedResults.Created(page, answer) : TypedResults.Ok(answer);
        }
        catch (UsageTokenRefusedException refused)
        {
            logger.LogInformation("Usage report refused (401): {Reason}", refused.Message);
            // RFC 6750: a request that presented no token gets the scheme only; one whose token was refused, the error too.
            context.Response.Headers.WWWAuthenticate = string.IsNullOrEmpty(secret)
                ? BearerScheme
                : $"{BearerScheme} error=\"invalid_token\"";
            return Problem(StatusCodes.Status401Unauthorized, "The installation token was refused.", refused.Message);
        }
        catch (BadHttpRequestException unreadable)
        {
            logger.LogInformation("Usage report refused ({Status}): {Reason}", unreadable.StatusCode, unreadable.Message);
            return unreadable.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => Problem(unreadable.StatusCode, "The usage report is too large.",
                    "A usage report is at most 1 MB; this request's body is larger. Is it the right file?"),
                StatusCodes.Status415UnsupportedMediaType => Problem(unreadable.StatusCode, "The usage report must be JSON.", unreadable.Message),
                _ => Problem(unreadable.StatusCode, "The request could not be read.", "The request's body could not be read to its end. Send it again."),
            };
        }
        catch (UsageReportConflictException conflict)
        {
            logger.LogInformation("Usage report refused (409): {Reason}", conflict.Message);
            return Problem(StatusCodes.Status409Conflict, "The report conflicts with the installation's latest one.", conflict.Message);
        }
        catch (DomainException refused)
        {
            logger.LogInformation("Usage report refused (400): {Reason}", refused.Message);
            return Problem(StatusCodes.Status400BadRequest, "The usage report was refused.", refused.Message);
        }
    }

    /// <summary>The secret of <c>Authorization: Bearer kmu_…</c>; null when the header is missing or of another scheme.</summary>
    private static string? BearerSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().Trim();
        return header.Length > BearerScheme.Length && header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase) && header[BearerScheme.Length] == ' '
            ? header[(BearerScheme.Length + 1)..].Trim()
            : null;
    }

    /// <summary>
    /// The body, once the token is accepted: JSON only, refused from its declared length when that is too large, and
    /// otherwise read only up to the limit, so that a body without a length (chunked) is cut off there too.
    /// </summary>
    private static async Task<byte[]> ReadReportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new BadHttpRequestException(
                $"Send the usage report as {UsageReportFormat.MediaType}, with the header Content-Type: {UsageReportFormat.MediaType}.",
                StatusCodes.Status415UnsupportedMediaType);
        }
        if (request.ContentLength > UsageReportFormat.MaxBytes)
            throw TooLarge();

        var body = request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (read.Buffer.Length > UsageReportFormat.MaxBytes)
            {
                body.AdvanceTo(read.Buffer.End);
                throw TooLarge();
            }
            if (read.IsCompleted)
            {
                var report = read.Buffer.ToArray();
                body.AdvanceTo(read.Buffer.End);
                return report;
            }
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The body is larger than {UsageReportFormat.MaxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);

    private static UsageApiReceipt Receipt(UsageReceipt receipt, Uri page)
    {
        var installation = receipt.Installation;
        var headroom = installation.Headroom;
        return new UsageApiReceipt(
            installation.ReportedId,
            installation.Name,
            installation.ProductName,
            installation.Version,
            receipt.IsNewInstallation,
            JsonNamingPolicy.CamelCase.ConvertName(headroom.State.ToString()),
            headroom.EnabledUsers,
            headroom.PeakEnabledUsers,
            headroom.SeatsInstalled,
            headroom.SeatsNotInstalled,
            headroom.MissingSeats,
            installation.FlaggedKeys
                .Select(key => new UsageApiFlaggedKey(key.KeyId, JsonNamingPolicy.CamelCase.ConvertName(key.Standing.ToString()), key.Standing.Explain()))
                .ToList(),
            page);
    }

    /// <summary>The installation's page at the portal's public address (<c>Portal:PublicBaseUrl</c>), or the address posted to.</summary>
    private static Uri PageOf(InstallationView installation, IConfiguration configuration, HttpRequest request)
    {
        var configured = configuration[StripeSettings.PublicBaseUrlKey];
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured;
        return new Uri(baseUrl.TrimEnd('/') + UsagePaths.Installation(installation.Id));
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
