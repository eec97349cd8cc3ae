using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Components;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Stripe;
using Stripe.Checkout;

namespace Portal.Payments;

public enum CheckoutStartStatus
{
    /// <summary>Send the browser to <see cref="CheckoutStart.RedirectUrl"/>: Stripe Checkout, the test checkout or the return page.</summary>
    Redirect,

    /// <summary>No such order in the user's organization.</summary>
    NotFound,

    /// <summary>Stripe could not be reached or refused the request; <see cref="CheckoutStart.RedirectUrl"/> explains it to the customer.</summary>
    StripeUnavailable,
}

public sealed record CheckoutStart(CheckoutStartStatus Status, string? RedirectUrl)
{
    public static CheckoutStart NotFound { get; } = new(CheckoutStartStatus.NotFound, null);

    public static CheckoutStart To(string url) => new(CheckoutStartStatus.Redirect, url);
}

/// <summary>
/// Starts the payment of a placed order (docs/architecture.md#purchase-flow). The browser only names the order; its lines and amounts come from
/// the server. With Stripe: the organization's Stripe customer (created once), then one Checkout Session per order
/// (an idempotency key from the order makes a double click one session). Without a Stripe key (Development only):
/// the built-in test checkout.
/// </summary>
public sealed class StripeCheckout(
    StripeApi stripe,
    StripeSettings settings,
    IConfiguration configuration,
    OrderService orders,
    PaymentEventService paymentEvents,
    IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<StripeCheckout> logger)
{
    /// <summary>
    /// Where to send the browser to pay <paramref name="orderId"/>, which must be a Pending order of the user's organization.
    /// Only a member with the Billing role pays (<see cref="OrderService.ForCheckoutAsync"/>): anyone else gets a
    /// <see cref="DomainException"/> that says which role it takes.
    /// <paramref name="portalBaseUri"/> is the portal's address for Stripe's return URLs when <c>Portal:PublicBaseUrl</c> is not set
    /// (the request's, or <c>NavigationManager.BaseUri</c> in a component).
    /// </summary>
    public async Task<CheckoutStart> StartAsync(Guid orderId, ClaimsPrincipal user, Uri? portalBaseUri = null, CancellationToken cancellationToken = default)
    {
        if (user.OrganizationId() is not { } organizationId || !user.IsInRole(Roles.Customer))
            return CheckoutStart.NotFound;
        var order = await orders.ForCheckoutAsync(organizationId, orderId, CurrentActor.From(user), cancellationToken);
        if (order is null)
            return CheckoutStart.NotFound;
        if (order.Status != OrderStatus.Pending)
            return CheckoutStart.To(CheckoutPaths.ReturnForOrder(order.Id));
        if (stripe.IsTestMode)
            return CheckoutStart.To(CheckoutPaths.Test(order.Id));

        try
        {
            if (order.CheckoutSessionId is { } existingId && await ResumeAsync(order, existingId, cancellationToken) is { } resumed)
                return resumed;

            var baseUrl = PortalBaseUrl(portalBaseUri);
            var customerId = await StripeCustomers.EnsureAsync(stripe, dbFactory, organizationId, logger, cancellationToken);
            var session = await stripe.CreateSessionAsync(SessionOptions(order, customerId, baseUrl), $"portal-checkout-{order.Id:N}", cancellationToken);
            if (!await AttachAsync(order.Id, session.Id, cancellationToken))
                return CheckoutStart.To(CheckoutPaths.ReturnForOrder(order.Id));
            logger.LogInformation("Checkout session {SessionId} for order {OrderId} of organization {OrganizationId} ({Total})",
                session.Id, order.Id, organizationId, order.Total);
            return CheckoutStart.To(session.Url);
        }
        catch (Exception error) when (error is StripeException or HttpRequestException
                                          || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogError(error, "Stripe could not start the checkout of order {OrderId}: {Reason}", order.Id, error.Message);
            return new CheckoutStart(CheckoutStartStatus.StripeUnavailable, CheckoutPaths.ReturnForOrder(order.Id, stripeUnavailable: true));
        }
    }

    /// <summary>
    /// Places the order for <paramref name="cart"/>, priced again by the server (R12), and starts its payment as
    /// <see cref="StartAsync"/> does. A cart that cannot be ordered throws <see cref="DomainException"/> with the reason for the customer.
    /// </summary>
    public async Task<CheckoutStart> PlaceAndStartAsync(ClaimsPrincipal user, Cart cart, Uri? portalBaseUri = null, CancellationToken cancellationToken = default)
    {
        if (user.OrganizationId() is not { } organizationId || !user.IsInRole(Roles.Customer))
            return CheckoutStart.NotFound;
        var purchaserEmail = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
        var order = await orders.PlaceAsync(organizationId, CurrentActor.From(user), purchaserEmail, cart, cancellationToken);
        return await StartAsync(order.Id, user, portalBaseUri, cancellationToken);
    }

    /// <summary>The order already has a session: go back to it while it is open; null when a new one is needed.</summary>
    private async Task<CheckoutStart?> ResumeAsync(Order order, string sessionId, CancellationToken cancellationToken)
    {
        var existing = await stripe.GetSessionAsync(sessionId, cancellationToken);
        switch (existing.Status)
        {
            case StripeValues.SessionStatus.Open when !string.IsNullOrEmpty(existing.Url):
                return CheckoutStart.To(existing.Url);
            case StripeValues.SessionStatus.Complete:
                return CheckoutStart.To(CheckoutPaths.ReturnForSession(existing.Id));
            case StripeValues.SessionStatus.Expired:
                // The webhook may not have told us yet; the order cannot be paid any more.
                await paymentEvents.HandleAsync(new CheckoutExpired(order.Id), cancellationToken);
                return CheckoutStart.To(CheckoutPaths.ReturnForOrder(order.Id));
            default:
                return null;
        }
    }

    private SessionCreateOptions SessionOptions(Order order, string customerId, string baseUrl)
    {
        var currency = order.Total.Currency.ToLowerInvariant();
        var options = new SessionCreateOptions
        {
            Mode = StripeValues.SessionMode.Payment,
            Customer = customerId,
            ClientReferenceId = order.Id.ToString(),
            Metadata = new Dictionary<string, string> { [StripeSessions.OrderIdKey] = order.Id.ToString() },
            PaymentIntentData = new SessionPaymentIntentDataOptions
            {
                Metadata = new Dictionary<string, string> { [StripeSessions.OrderIdKey] = order.Id.ToString() },
            },
            LineItems = OrderLine.InDisplayOrder(order.Lines).Select(line => new SessionLineItemOptions
            {
                Quantity = line.Quantity,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = currency,
                    UnitAmount = line.UnitPrice.Minor,
                    TaxBehavior = settings.AutomaticTax ? StripeValues.TaxBehavior.Exclusive : null,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = line.Description },
                },
            }).ToList(),
            InvoiceCreation = new SessionInvoiceCreationOptions { Enabled = true },
            // The billing address and tax ID go on the receipt invoice, and the organization keeps them for its quotes
            // and invoices (PaidCheckout.Billing). With a customer passed, Stripe requires customer_update[name]=auto for
            // tax ID collection (the business name entered replaces the customer's name); the address is saved on the
            // customer too, and Portal puts the organization's name back before its next payment (StripeCustomers).
            BillingAddressCollection = StripeValues.BillingAddressCollection.Required,
            TaxIdCollection = new SessionTaxIdCollectionOptions { Enabled = true },
            CustomerUpdate = new SessionCustomerUpdateOptions { Address = StripeValues.CustomerUpdate.Auto, Name = StripeValues.CustomerUpdate.Auto },
            SuccessUrl = baseUrl + CheckoutPaths.ReturnFromStripe,
            CancelUrl = baseUrl + CheckoutPaths.ReturnForOrder(order.Id),
        };
        if (settings.AutomaticTax)
            options.AutomaticTax = new SessionAutomaticTaxOptions { Enabled = true };
        return options;
    }

    /// <summary>Records the session on the order; false when the order is no longer waiting for it.</summary>
    private async Task<bool> AttachAsync(Guid orderId, string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await orders.AttachCheckoutSessionAsync(orderId, sessionId, cancellationToken);
                return true;
            }
            catch (DbUpdateConcurrencyException)
            {
                // A double click attached the same session, or a payment event changed the order: look again.
            }
            catch (DomainException)
            {
                return false;
            }
        }
        return false;
    }

    private string PortalBaseUrl(Uri? portalBaseUri)
    {
        var configured = configuration[StripeSettings.PublicBaseUrlKey];
        var baseUrl = !string.IsNullOrWhiteSpace(configured) ? configured : portalBaseUri?.ToString()
            ?? throw new InvalidOperationException($"Set {StripeSettings.PublicBaseUrlKey} or pass the portal's address to start a checkout.");
        return baseUrl.TrimEnd('/');
    }
}
