using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Outbox;
using Portal.Tests.Fakes;

namespace Portal.Tests.Integration;

public sealed class EmailTests
{
    private static IOptions<SmtpSettings> Settings(int port = 25) => Options.Create(new SmtpSettings
    {
        Host = "127.0.0.1",
        Port = port,
        Security = "None",
        FromAddress = "portal@keymetric.example",
        FromName = "Key Metric Software",
    });

    [Fact]
    public async Task Confirmation_email_reaches_an_smtp_server_with_html_and_text_parts_and_the_decoded_link()
    {
        await using var smtp = new SmtpTestServer();
        var settings = Settings(smtp.Port);
        var sender = new IdentityEmailSender(new SmtpMailDelivery(settings), settings);

        await sender.SendConfirmationLinkAsync(new PortalUser(), "ana@fabrikam.example",
            "https://portal.example/Account/ConfirmEmail?userId=1&amp;code=abc");

        var message = await smtp.WaitForMessageAsync();
        Assert.Equal("ana@fabrikam.example", message.To.Mailboxes.Single().Address);
        Assert.Equal("portal@keymetric.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("Confirm your email address for Portal", message.Subject);
        Assert.Contains("https://portal.example/Account/ConfirmEmail?userId=1&code=abc", message.TextBody);
        Assert.Contains("href=\"https://portal.example/Account/ConfirmEmail?userId=1&amp;code=abc\"", message.HtmlBody);
    }

    [Fact]
    public async Task Password_reset_email_goes_through_smtp()
    {
        await using var smtp = new SmtpTestServer();
        var settings = Settings(smtp.Port);
        var sender = new IdentityEmailSender(new SmtpMailDelivery(settings), settings);

        await sender.SendPasswordResetLinkAsync(new PortalUser(), "ana@fabrikam.example", "https://portal.example/Account/ResetPassword?code=xyz");

        var message = await smtp.WaitForMessageAsync();
        Assert.Equal("Reset your Portal password", message.Subject);
        Assert.Contains("https://portal.example/Account/ResetPassword?code=xyz", message.TextBody);
    }

    [Fact]
    public async Task Without_smtp_development_writes_eml_files_to_the_pickup_folder()
    {
        var folder = Directory.CreateTempSubdirectory("portal-pickup-").FullName;
        try
        {
            var delivery = new PickupFolderMailDelivery(folder, new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero)));
            var sender = new IdentityEmailSender(delivery, Settings());

            await sender.SendPasswordResetCodeAsync(new PortalUser(), "ana@fabrikam.example", "123456");

            var file = Assert.Single(Directory.GetFiles(folder, "*.eml"));
            Assert.StartsWith("20261129-100000-", Path.GetFileName(file));
            var message = await MimeMessage.LoadAsync(file);
            Assert.Equal("Your Portal password reset code", message.Subject);
            Assert.Contains("123456", message.TextBody);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Outside_development_portal_refuses_to_start_without_an_smtp_host()
    {
        await using var app = new PortalAppFactory("Production");

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("Smtp:Host", error.Message);
    }
}
