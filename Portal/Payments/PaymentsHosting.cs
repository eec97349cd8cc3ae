using Portal.Domain.Ordering;

namespace Portal.Payments;

public static class PaymentsHosting
{
    /// <summary>Orders, fulfilment and payment events.</summary>
    public static WebApplicationBuilder AddPortalPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrderService>();
        builder.Services.AddSingleton<FulfilmentService>();
        builder.Services.AddSingleton<PaymentEventService>();
        return builder;
    }
}
