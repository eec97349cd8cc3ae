namespace Portal.Quotes;

public static class QuotesHosting
{
    /// <summary>The quotes' background work: <see cref="QuoteExpiryWorker"/>, on the <see cref="QuoteSettings"/>.</summary>
    public static WebApplicationBuilder AddPortalQuotes(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(QuoteSettings.SectionName).Get<QuoteSettings>() ?? new QuoteSettings();
        settings.Validate();
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<QuoteExpiryWorker>();
        return builder;
    }
}
