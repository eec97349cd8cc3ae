using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Domain.Accounts;

namespace Portal.Outbox;

/// <summary>Account emails (confirm address, reset password, staff invitation) with an HTML and a plain-text part.</summary>
public sealed class IdentityEmailSender(IMailDelivery delivery, IOptions<SmtpSettings> options) : IEmailSender<PortalUser>
{
    // Identity's pages pass links HTML-encoded, ready for an href.
    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink) =>
        SendAsync(email, "Confirm your email address for Portal",
            "Please confirm your email address to finish setting up your Portal account.",
            WebUtility.HtmlDecode(confirmationLink), "Confirm email address");

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink) =>
        SendAsync(email, "Reset your Portal password",
            "Someone asked to reset the password of your Portal account. If it was you, choose a new password here. If not, you can ignore this email.",
            WebUtility.HtmlDecode(resetLink), "Choose a new password");

    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) =>
        SendAsync(email, "Your Portal password reset code",
            $"Your password reset code is {resetCode}. If you did not ask for it, you can ignore this email.",
            link: null, linkText: null);

    /// <summary>Welcomes a new staff member with the link where they choose their password (a password reset link).</summary>
    public Task SendStaffInvitationAsync(string email, string role, string passwordLink) =>
        SendAsync(email, "Your Key Metric Portal staff account",
            $"An admin created a Portal staff account for you with the {role} role. Choose your password to sign in. " +
            "The link works once and for one day; after that, use \"Forgot your password?\" on the sign-in page. " +
            "Staff accounts need two-factor authentication: after your first sign-in, Portal asks you to set up an authenticator app on your phone.",
            passwordLink, "Choose your password");

    private Task SendAsync(string to, string subject, string message, string? link, string? linkText)
    {
        var settings = options.Value;
        var email = new MimeMessage();
        email.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        email.To.Add(MailboxAddress.Parse(to));
        email.Subject = subject;

        var html = $"<p>{WebUtility.HtmlEncode(message)}</p>";
        var text = message;
        if (link is not null)
        {
            html += $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">{WebUtility.HtmlEncode(linkText)}</a></p>";
            text += $"\n\n{linkText}: {link}";
        }
        html += "<p>Key Metric Software</p>";
        text += "\n\nKey Metric Software";

        email.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        return delivery.DeliverAsync(email);
    }
}
