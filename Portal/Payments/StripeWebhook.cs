using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Portal.Domain.Ordering;
using Stripe;

namespace Portal.Payments;

/// <summary>
/// <c>POST /stripe/webhook</c>: the raw body is verified with Stripe.net's <see cref="EventUtility"/> (signature, 300 s
/// tolerance, the pinned API version); a request that fails is refused with 400 and a logged reason, never a 500. A
/// verified event is translated (<see cref="StripeEventReports"/>) and handed to the domain in one call,
/// <see cref="PaymentEventService.HandleAsync"/>, which handles each event id once and records it with the change it made.
/// When handling fails, or the event came before the payment it names, the answer is 500 and nothing is recorded, so
/// Stripe delivers it again. A duplicate delivery is an expected race: it is answered 200 and logged as information.
/// </summary>
public sealed class StripeWebhook(
    StripeSettings settings,
    StripeApi stripe,
    PaymentEventService payments,
    TimeProvider clock,
    ILogger<StripeWebhook> logger)
{
    public const long ToleranceSeconds = 300;

    /// <summary>Stripe's events are a few kilobytes; anything far larger is not one.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!settings.HasWebhookSecret())
        {
            logger.LogError("Stripe webhook refused: Stripe:WebhookSecret is not set, so no event can be verified");
            return Results.Text("The webhook is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        string json;
        try
        {
            json = await ReadBodyAsync(request, cancellationToken);
        }
        catch (BadHttpRequestException tooLarge)
        {
            return Refuse("body", $"the body could not be read: {tooLarge.Message}", StatusCodes.Status413PayloadTooLarge);
        }

        var signature = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrWhiteSpace(signature))
            return Refuse("signature", "the request has no Stripe-Signature header");

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, settings.WebhookSecret, ToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: true);
        }
        catch (StripeException refused)
        {
            return SignatureIsValid(json, signature)
                ? Refuse("api-version", $"the event's API version is {EventApiVersion(json) ?? "missing"} but Portal expects {StripeApi.ApiVersion} " +
                    $"(set the webhook endpoint's API version to {StripeApi.ApiVersion}): {refused.Message}")
                : Refuse("signature", $"the signature does not verify: {refused.Message}");
        }
        catch (Exception unreadable) when (unreadable is not OperationCanceledException)
        {
            // The signature verified (it is checked first): the body is Stripe's, but not an event of our API version.
            return IsJsonObject(json) && EventApiVersion(json) is null
                ? Refuse("api-version", $"the event has no api_version; the webhook endpoint must use API version {StripeApi.ApiVersion}")
                : Refuse("body", $"the event could not be read ({unreadable.GetType().Name}: {unreadable.Message})");
        }

        if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
            return Refuse("body", "the event has no id or type");

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["StripeEventId"] = stripeEvent.Id, ["StripeEventType"] = stripeEvent.Type });
        PaymentReportResult result;
        try
        {
            result = await payments.HandleAsync(await WithPaymentAsync(StripeEventReports.From(stripeEvent), cancellationToken), cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(failure, "Stripe event {EventId} ({EventType}) could not be handled; Stripe will deliver it again", stripeEvent.Id, stripeEvent.Type);
            return DeliverAgain();
        }

        logger.Log(result.NeedsAttention ? LogLevel.Warning : LogLevel.Information,
            "Stripe event {EventId} ({EventType}): {Summary} ({Outcome})", stripeEvent.Id, stripeEvent.Type, result.Summary, result.Outcome);
        return result.DeliverAgain ? DeliverAgain() : Results.Ok();
    }

    private static IResult DeliverAgain() =>
        Results.Text("The event could not be handled; deliver it again.", statusCode: StatusCodes.Status500InternalServerError);

    private IResult Refuse(string problem, string reason, int statusCode = StatusCodes.Status400BadRequest)
    {
        logger.LogWarning("Stripe webhook refused ({Problem}): {Reason}", problem, reason);
        return Results.Text($"Refused: {problem}.", statusCode: statusCode);
    }

    private bool SignatureIsValid(string json, string signature)
    {
        try
        {
            EventUtility.ValidateSignature(json, signature, settings.WebhookSecret, ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds());
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    private static string? EventApiVersion(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("api_version", out var version) && version.ValueKind == JsonValueKind.String
                ? version.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            throw new BadHttpRequestException($"The body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>
    /// A paid invoice's payment intent, asked of Stripe when the event does not carry the invoice's payments: the order
    /// records it, so that a later refund or dispute of that payment finds the order (R10). A failed lookup is a failed
    /// delivery, which Stripe repeats.
    /// </summary>
    private async Task<PaymentReport> WithPaymentAsync(PaymentReport report, CancellationToken cancellationToken)
    {
        if (report is not InvoicePaid { PaymentIntentId: null } paid || stripe.IsTestMode
            || await payments.IsEventHandledAsync(paid.ReportedBy?.Id ?? "", cancellationToken))
            return report;
        return paid with { PaymentIntentId = await stripe.InvoicePaymentIntentAsync(paid.Invoice.InvoiceId, cancellationToken) };
    }
}
