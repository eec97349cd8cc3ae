using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Domain.Members;

namespace Portal.Outbox;

/// <summary>
/// Account emails (confirm address, reset password, staff invitation, invitation to an organization) with an HTML and a
/// plain-text part, delivered at once: their links must not be stored, so they do not go through the outbox.
/// </summary>
public sealed class IdentityEmailSender(IMailDelivery delivery, IOptions<SmtpSettings> options) : IEmailSender<PortalUser>, IInvitationEmailSender
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

    public Task SendInvitationAsync(InvitationEmail email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var roles = email.Roles == MemberRoles.None ? "a member who reads everything" : $"a member with the {email.Roles.Describe()} role";
        return SendAsync(email.To, $"You are invited to {email.OrganizationName} in the Key Metric Software licensing portal",
            $"{email.InvitedBy} invites you to join {email.OrganizationName} in the Key Metric Software licensing portal as {roles}. " +
            $"The link works once, until {email.ExpiresAt.UtcDateTime:d MMMM yyyy HH:mm} UTC, and only for {email.To}; if you have no account yet, you can create one from it. " +
            "If you did not expect this invitation, ignore this email.",
            email.Link.AbsoluteUri, "Accept the invitation", cancellationToken);
    }

    private Task SendAsync(string to, string subject, string message, string? link, string? linkText, CancellationToken cancellationToken = default)
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
        return delivery.DeliverAsync(email, cancellationToken);
    }
}
