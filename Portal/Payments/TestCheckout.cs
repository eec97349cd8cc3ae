using System.Security.Claims;
using Portal.Components;
using Portal.Domain.Accounts;
using Portal.Domain.Ordering;

namespace Portal.Payments;

/// <summary>
/// Development without a Stripe key: a built-in checkout that takes no money and ends in the same
/// door (<see cref="PaymentEventService"/>) as a real payment, so <c>dotnet run</c> can buy seats end to end.
/// Unavailable (every order "not found") as soon as a Stripe key is set or outside Development.
/// </summary>
public sealed class TestCheckout(StripeApi stripe, IHostEnvironment environment, OrderService orders, PaymentEventService payments, ILogger<TestCheckout> logger)
{
    public bool IsAvailable => stripe.IsTestMode && environment.IsDevelopment();

    /// <summary>An order of the user's organization, to show, when the test checkout is available.</summary>
    public async Task<Order?> FindAsync(ClaimsPrincipal user, Guid orderId, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable || !user.IsInRole(Roles.Customer) || user.OrganizationId() is not { } organizationId)
            return null;
        return await orders.FindAsync(organizationId, orderId, cancellationToken);
    }

    /// <summary>
    /// "Pays" the order: fulfils it for exactly its total; null when there is no such order for the user. Only a member
    /// with the Billing role pays (<see cref="OrderService.ForCheckoutAsync"/>): anyone else gets a <see cref="Domain.DomainException"/>.
    /// </summary>
    public async Task<PaymentReportResult?> PayAsync(ClaimsPrincipal user, Guid orderId, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable || !user.IsInRole(Roles.Customer) || user.OrganizationId() is not { } organizationId)
            return null;
        var order = await orders.ForCheckoutAsync(organizationId, orderId, CurrentActor.From(user), cancellationToken);
        if (order is null)
            return null;
        var result = await payments.HandleAsync(
            new PaidCheckout(order.Id, $"test_{Guid.NewGuid():N}", null, order.Total), cancellationToken);
        logger.LogWarning("TEST checkout (no money taken): order {OrderId} of organization {OrganizationId}: {Summary} ({Outcome})",
            order.Id, order.OrganizationId, result.Summary, result.Outcome);
        return result;
    }
}
