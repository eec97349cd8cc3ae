using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;
using Portal.Tests.Fakes;
using Portal.Tests.Integration;
using Portal.Domain.Members;

namespace Portal.Tests.Domain;

/// <summary>R11 through the real app: licenses signed with the app's key, the email queued in the outbox, sent over SMTP.</summary>
public sealed class RegistrationEmailTests
{
    [Fact]
    public async Task R11_technical_members_and_the_billing_email_receive_licensee_product_seats_keys_and_license_files()
    {
        await using var smtp = new SmtpTestServer();
        await using var app = new PortalAppFactory()
            .With("Smtp:Host", "127.0.0.1").With("Smtp:Port", smtp.Port.ToString()).With("Smtp:Security", "None")
            .With("Outbox:PollInterval", "00:00:00.200");
        using var client = app.CreateClient();
        var orderId = Guid.NewGuid();

        IReadOnlyList<License> licenses;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var organization = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
            var product = await db.Products.Include(p => p.Packs).SingleAsync();
            // The demo organization's owner has its billing email as address; a Technical and a Billing member join.
            foreach (var (email, roles) in new[] { ("it@contoso.example", MemberRoles.Technical), ("buyer@contoso.example", MemberRoles.Billing) })
                db.Users.Add(new PortalUser { UserName = email, Email = email, EmailConfirmed = true }.JoinAs(db, organization.Id, roles));
            await db.SaveChangesAsync();
            var licensing = scope.ServiceProvider.GetRequiredService<LicensingService>();
            licenses = [.. new[] { 25, 10 }.Select(seats => licensing.IssuePurchased(db, organization, product, seats, orderId, Actor.Stripe))];
            var registration = scope.ServiceProvider.GetRequiredService<RegistrationEmail>();
            await registration.QueueForOrderAsync(db, organization, product, licenses, DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)),
                orderId, Actor.Stripe);
            // A duplicate delivery of the same order must not queue a second email.
            await registration.QueueForOrderAsync(db, organization, product, licenses, null, orderId, Actor.Stripe);
            await db.SaveChangesAsync();
        }

        // The demo data's own emails (a discount decision) may go out too; the registration is the one to the demo organization.
        var message = await smtp.WaitForMessageAsync(IsRegistration, "registration email", TimeSpan.FromSeconds(20));
        // The demo owner and the demo consultant (Technical) are members; it@ is the billing email.
        Assert.Equal(["consultant@adatum.example", "customer@contoso.example", "it@contoso.example"], message.To.Mailboxes.Select(m => m.Address).Order());
        Assert.Equal("Your OfficeStatus 6 registration – Contoso Facilities Ltd", message.Subject);
        Assert.Contains("Licensee: Contoso Facilities Ltd", message.TextBody);
        Assert.Contains("25 users", message.TextBody);
        Assert.Contains("10 users", message.TextBody);
        Assert.Contains("Free technical support until:", message.TextBody);
        Assert.Contains("Contoso Facilities Ltd", message.HtmlBody);

        var jwks = await client.GetStringAsync("/.well-known/jwks.json");
        var verifier = new LicenseKeyVerifier(jwks);
        var files = message.Attachments.OfType<MimeKit.MimePart>().ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            using var content = new MemoryStream();
            await file.Content!.DecodeToAsync(content);
            var verification = verifier.Verify(Encoding.UTF8.GetString(content.ToArray()));
            Assert.True(verification.IsValid, verification.Message);
            Assert.EndsWith(".lic", file.FileName);
            Assert.Contains(licenses, l => l.Id == verification.Claims!.LicenseId && l.Seats == verification.Claims.Seats);
            Assert.Contains(licenses.Single(l => l.Id == verification.Claims!.LicenseId).Key, message.TextBody);
        }
        Assert.Equal(35, licenses.Sum(l => l.Seats));

        await Task.Delay(500);
        Assert.Single(smtp.Messages, IsRegistration);
    }

    [Fact]
    public async Task R11_registration_can_be_sent_again()
    {
        await using var app = new PortalAppFactory().With("Outbox:PollInterval", "01:00:00");
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        scope.ServiceProvider.GetRequiredService<LicensingService>().IssuePurchased(db, organization, product, 5, Guid.NewGuid(), Actor.Stripe);
        await db.SaveChangesAsync();

        // A member of the organization asks, as the customer pages do.
        var member = await db.Users.SingleAsync(u => u.Email == DevelopmentData.CustomerEmail);
        var customer = Actor.Person(member.Id, member.Email!, Roles.Customer).In(organization.Id, MemberRoles.Owner);
        var registration = scope.ServiceProvider.GetRequiredService<RegistrationEmail>();
        var seeded = await db.OutboxMessages.Select(m => m.Id).ToListAsync();
        await registration.ResendAsync(db, organization.Id, "it@contoso.example", customer);
        await registration.ResendAsync(db, organization.Id, "it@contoso.example", customer);

        var active = await db.Licenses.CountAsync(l => l.OrganizationId == organization.Id && l.Status == LicenseStatus.Active);
        var queued = await db.OutboxMessages.AsNoTracking().Include(m => m.Attachments).Where(m => !seeded.Contains(m.Id)).ToListAsync();
        Assert.Equal(2, queued.Count);
        Assert.All(queued, message => Assert.Equal(active, message.Attachments.Count));
    }

    private static bool IsRegistration(MimeKit.MimeMessage message) =>
        message.Subject == "Your OfficeStatus 6 registration – Contoso Facilities Ltd";
}
