using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Domain.Accounts;
using Portal.Domain.Outbox;
using Portal.Domain.Members;

namespace Portal.Outbox;

public static class OutboxHosting
{
    public static WebApplicationBuilder AddPortalOutbox(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SmtpSettings.SectionName);
        builder.Services.Configure<SmtpSettings>(section);
        var host = section.GetValue<string>(nameof(SmtpSettings.Host));

        if (!string.IsNullOrWhiteSpace(host))
        {
            builder.Services.AddSingleton<IMailDelivery, SmtpMailDelivery>();
        }
        else if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddSingleton(provider => new PickupFolderMailDelivery(
                Path.Combine(provider.GetRequiredService<PortalDataFolder>().Path, "mail-pickup"),
                provider.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<IMailDelivery>(provider => provider.GetRequiredService<PickupFolderMailDelivery>());
            builder.Services.AddHostedService<PickupFolderNotice>();
        }
        else
        {
            throw new InvalidOperationException(
                "Smtp:Host is not set. Outside Development Portal needs an SMTP server to send account and registration emails.");
        }

        builder.Services.AddSingleton<IdentityEmailSender>();
        builder.Services.AddSingleton<IEmailSender<PortalUser>>(provider => provider.GetRequiredService<IdentityEmailSender>());
        builder.Services.AddSingleton<IInvitationEmailSender>(provider => provider.GetRequiredService<IdentityEmailSender>());

        // Business emails are queued as rows by the domain's outbox and sent by a worker on every instance.
        var outbox = builder.Configuration.GetSection(OutboxSettings.SectionName).Get<OutboxSettings>() ?? new OutboxSettings();
        builder.Services.AddSingleton(outbox);
        builder.Services.AddHostedService<OutboxWorker>();
        return builder;
    }

    private sealed class PickupFolderNotice(PickupFolderMailDelivery pickup, ILogger<PickupFolderNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("No Smtp:Host is set: emails are written as .eml files to {PickupFolder}", pickup.Folder);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
