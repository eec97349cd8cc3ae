using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Tests.Builders;

using static Portal.Tests.Integration.AccountForms;

namespace Portal.Tests.Integration;

/// <summary>How an invitation link went dead, or reached the wrong person, before someone tried to join with it.</summary>
public enum RefusedLink
{
    Expired,
    Withdrawn,
    ReplacedBySendingAgain,
    Guessed,
    ForwardedToAnotherAddress,
}

/// <summary>
/// Following an invitation link over HTTP, as the invited person (issue 20): with an account, signing in and joining;
/// without one, registering for the invited address (no organization of their own), confirming it, signing in and
/// joining; and every link that must not let anyone in (expired, used, withdrawn, replaced, guessed, forwarded)
/// refused with a clear message and nothing joined. One running Portal for the class; each test has its own accounts.
/// </summary>
public sealed partial class InvitationPagesTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const string Password = "Invitation-Pass-2026!";
    private const string JoinForm = "join";
    private const string InviteeForm = "register-invitee";

    [Fact]
    public async Task A_person_with_an_account_signs_in_from_the_link_and_joins_with_the_invited_roles()
    {
        var owner = await NewAccountAsync("owner");
        var colleague = await NewAccountAsync("colleague");
        var token = await InviteAsync(owner, colleague.Email, MemberRoles.Billing | MemberRoles.Technical);
        using var client = NewClient();

        var invitationPage = await GetPageAsync(client, InvitationPath(token));
        Assert.Contains(owner.OrganizationName, invitationPage);
        Assert.Contains(owner.Email, invitationPage);
        Assert.Contains(colleague.Email, invitationPage);
        Assert.Contains("<strong>Billing</strong>: buy and upgrade licenses", invitationPage);
        Assert.Contains("<strong>Technical</strong>: licenses and their keys", invitationPage);
        Assert.Contains("valid until", invitationPage);
        Assert.Contains($"href=\"/Account/Login?ReturnUrl=%2Finvitations%2F{token}\"", invitationPage);
        Assert.Contains($"href=\"/Account/Register?invitation={token}\"", invitationPage);
        Assert.DoesNotContain(JoinFormMarker, invitationPage);

        var anonymousJoin = await PostJoinAsync(client, token, tokenPage: "/Account/Login");
        Assert.Equal(HttpStatusCode.OK, anonymousJoin.StatusCode);
        Assert.Contains("Sign in to accept the invitation.", await anonymousJoin.Content.ReadAsStringAsync());
        Assert.Null(await MembershipAsync(owner.OrganizationId, colleague.UserId));

        var signIn = await SignInAsync(client, colleague.Email, Password, returnUrl: InvitationPath(token));
        Assert.True(IsRedirectTo(signIn, InvitationPath(token)), $"Sign-in answered {(int)signIn.StatusCode} {signIn.Headers.Location}");
        var joined = await PostFormAsync(client, InvitationPath(token), JoinForm, new());

        Assert.True(IsRedirectTo(joined, "/dashboard"), $"Joining answered {(int)joined.StatusCode} {joined.Headers.Location}");
        Assert.Equal(MemberRoles.Billing | MemberRoles.Technical, (await MembershipAsync(owner.OrganizationId, colleague.UserId))?.Roles);
        var dashboard = await GetPageAsync(client, "/dashboard");
        Assert.Contains($">{owner.OrganizationName}</h1>", dashboard);
        Assert.DoesNotContain($">{colleague.OrganizationName}</h1>", dashboard);
    }

    [Fact]
    public async Task A_link_used_twice_is_refused_the_second_time_and_joins_only_once()
    {
        var owner = await NewAccountAsync("owner");
        var colleague = await NewAccountAsync("colleague");
        var token = await InviteAsync(owner, colleague.Email, MemberRoles.Technical);
        using var client = await SignedInAsync(colleague.Email);
        Assert.True(IsRedirectTo(await PostFormAsync(client, InvitationPath(token), JoinForm, new()), "/dashboard"));

        var again = await PostJoinAsync(client, token);
        var shown = await GetPageAsync(client, InvitationPath(token));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("This invitation was already accepted.", await again.Content.ReadAsStringAsync());
        Assert.Contains("was already accepted: its link works once", shown);
        Assert.DoesNotContain(JoinFormMarker, shown);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.Memberships.CountAsync(m => m.OrganizationId == owner.OrganizationId && m.UserId == colleague.UserId));
    }

    [Theory]
    [InlineData(RefusedLink.Expired, "expired on", "This invitation has expired. Ask the organization's owner to send it again.")]
    [InlineData(RefusedLink.Withdrawn, "was withdrawn. If you should still join", "This invitation was withdrawn. Ask the organization's owner for a new one.")]
    [InlineData(RefusedLink.ReplacedBySendingAgain, "This invitation link is not valid.", "This invitation link is not valid. It may have been replaced by a newer one")]
    [InlineData(RefusedLink.Guessed, "This invitation link is not valid.", "This invitation link is not valid. It may have been replaced by a newer one")]
    [InlineData(RefusedLink.ForwardedToAnotherAddress, "and you are signed in as", "Sign in with that address to accept it.")]
    public async Task A_dead_or_forwarded_link_is_refused_with_a_clear_message_and_joins_no_one(RefusedLink link, string shownMessage, string refusal)
    {
        var owner = await NewAccountAsync("owner");
        var person = await NewAccountAsync("person");
        var invited = link == RefusedLink.ForwardedToAnotherAddress ? UniqueEmail("colleague") : person.Email;
        var token = link switch
        {
            RefusedLink.Expired => await InviteAsync(owner, invited, MemberRoles.Billing, sentAt: DateTimeOffset.UtcNow - Invitation.ValidFor - TimeSpan.FromHours(1)),
            RefusedLink.Guessed => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            _ => await InviteAsync(owner, invited, MemberRoles.Billing),
        };
        if (link is RefusedLink.Withdrawn or RefusedLink.ReplacedBySendingAgain)
            await AnswerAsOwnerAsync(owner, link, invited);
        using var client = await SignedInAsync(person.Email);

        var shown = await GetPageAsync(client, InvitationPath(token));
        var posted = await PostJoinAsync(client, token);

        Assert.Contains(HtmlEncoder.Default.Encode(shownMessage), shown);
        Assert.DoesNotContain(JoinFormMarker, shown);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var answer = await posted.Content.ReadAsStringAsync();
        Assert.Contains(HtmlEncoder.Default.Encode(refusal), answer);
        Assert.DoesNotContain(JoinFormMarker, answer);
        if (link is RefusedLink.ReplacedBySendingAgain or RefusedLink.Guessed)
            Assert.DoesNotContain(owner.OrganizationName, shown);
        Assert.Null(await MembershipAsync(owner.OrganizationId, person.UserId));
    }

    [Fact]
    public async Task Signed_in_with_another_address_a_person_signs_out_and_is_asked_to_sign_in_for_the_invitation()
    {
        var owner = await NewAccountAsync("owner");
        var other = await NewAccountAsync("other");
        var token = await InviteAsync(owner, UniqueEmail("colleague"), MemberRoles.Billing);
        using var client = await SignedInAsync(other.Email);

        var page = await GetPageAsync(client, InvitationPath(token));
        var returnUrl = $"Account/Login?ReturnUrl=%2Finvitations%2F{token}";
        Assert.Contains("<form action=\"Account/Logout\" method=\"post\"", page);
        Assert.Contains($"name=\"ReturnUrl\" value=\"{returnUrl}\"", page);
        var signedOut = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["ReturnUrl"] = returnUrl,
        }));

        Assert.True(IsRedirectTo(signedOut, "/Account/Login"), $"Signing out answered {(int)signedOut.StatusCode} {signedOut.Headers.Location}");
        Assert.EndsWith($"/Account/Login?ReturnUrl=%2Finvitations%2F{token}", signedOut.Headers.Location!.OriginalString);
        Assert.Contains("Sign in to accept", await GetPageAsync(client, InvitationPath(token)));
    }

    [Fact]
    public async Task Sending_an_invitation_again_kills_the_old_link_and_the_new_one_works()
    {
        var owner = await NewAccountAsync("owner");
        var colleague = await NewAccountAsync("colleague");
        string? newToken = null;
        var oldToken = await InviteAsync(owner, colleague.Email, MemberRoles.Billing);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var memberships = scope.ServiceProvider.GetRequiredService<MembershipService>();
            var invitation = await InvitationOfAsync(owner.OrganizationId, colleague.Email);
            await memberships.ResendAsync(owner.OrganizationId, invitation.Id, owner.Actor, token =>
            {
                newToken = token;
                return new Uri($"http://localhost{InvitationPath(token)}");
            });
        }
        using var client = await SignedInAsync(colleague.Email);

        Assert.Contains("This invitation link is not valid.", await GetPageAsync(client, InvitationPath(oldToken)));
        Assert.True(IsRedirectTo(await PostFormAsync(client, InvitationPath(newToken!), JoinForm, new()), "/dashboard"));
        Assert.Equal(MemberRoles.Billing, (await MembershipAsync(owner.OrganizationId, colleague.UserId))?.Roles);
    }

    [Fact]
    public async Task Registering_from_an_invitation_creates_no_organization_and_after_confirming_and_signing_in_the_person_joins()
    {
        var owner = await NewAccountAsync("owner");
        var invitee = UniqueEmail("invitee");
        var token = await InviteAsync(owner, invitee, MemberRoles.Technical);
        var organizationsBefore = await CountOrganizationsAsync();
        using var client = NewClient();

        var form = await GetPageAsync(client, RegisterPath(token));
        Assert.Contains($"value=\"{invitee}\" readonly", form);
        Assert.Contains(owner.OrganizationName, form);
        Assert.DoesNotContain("Input.OrganizationName", form);
        Assert.DoesNotContain("name=\"Invitee.Email\"", form);
        var registered = await PostFormAsync(client, RegisterPath(token), InviteeForm, new()
        {
            ["Invitee.Password"] = Password,
            ["Invitee.ConfirmPassword"] = Password,
        });

        Assert.True(IsRedirectTo(registered, "/Account/RegisterConfirmation"), $"Registering answered {(int)registered.StatusCode} {registered.Headers.Location}");
        Assert.Contains($"returnUrl=%2Finvitations%2F{token}", registered.Headers.Location!.OriginalString);
        var user = await UserAsync(invitee);
        Assert.False(user.EmailConfirmed);
        Assert.Null(user.ChosenOrganizationId);
        Assert.Equal(organizationsBefore, await CountOrganizationsAsync());
        Assert.Empty(await MembershipsOfAsync(user.Id));
        Assert.Equal([Roles.Customer], await RolesOfAsync(user));

        // Until the address is confirmed the person cannot sign in, so a forwarded link lets no one else in.
        var tooEarly = await SignInAsync(client, invitee, Password, returnUrl: InvitationPath(token));
        Assert.Equal(HttpStatusCode.OK, tooEarly.StatusCode);
        Assert.Contains("Invalid email or password.", await tooEarly.Content.ReadAsStringAsync());

        var confirmation = await GetPageAsync(client, new Uri(ConfirmationLink(invitee)).PathAndQuery);
        Assert.Contains("your email address is confirmed", confirmation);
        Assert.Contains($"href=\"Account/Login?ReturnUrl=%2Finvitations%2F{token}\"", confirmation);
        var signIn = await SignInAsync(client, invitee, Password, returnUrl: InvitationPath(token));
        Assert.True(IsRedirectTo(signIn, InvitationPath(token)), $"Sign-in answered {(int)signIn.StatusCode} {signIn.Headers.Location}");
        var joined = await PostFormAsync(client, InvitationPath(token), JoinForm, new());

        Assert.True(IsRedirectTo(joined, "/dashboard"), $"Joining answered {(int)joined.StatusCode} {joined.Headers.Location}");
        Assert.Equal(MemberRoles.Technical, Assert.Single(await MembershipsOfAsync(user.Id)).Roles);
        Assert.Contains($">{owner.OrganizationName}</h1>", await GetPageAsync(client, "/dashboard"));
        Assert.Equal(organizationsBefore, await CountOrganizationsAsync());
    }

    [Fact]
    public async Task Registering_from_an_invitation_ignores_a_posted_email()
    {
        var owner = await NewAccountAsync("owner");
        var invitee = UniqueEmail("invitee");
        var intruder = UniqueEmail("intruder");
        var token = await InviteAsync(owner, invitee, MemberRoles.Billing);
        using var client = NewClient();
        var antiforgery = AntiforgeryToken(await GetPageAsync(client, RegisterPath(token)));

        var registered = await client.PostAsync(RegisterPath(token), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = InviteeForm,
            ["__RequestVerificationToken"] = antiforgery,
            ["Invitee.Email"] = intruder,
            ["Input.Email"] = intruder,
            ["Invitee.Password"] = Password,
            ["Invitee.ConfirmPassword"] = Password,
        }));

        Assert.True(IsRedirectTo(registered, "/Account/RegisterConfirmation"), $"Registering answered {(int)registered.StatusCode} {registered.Headers.Location}");
        Assert.False((await UserAsync(invitee)).EmailConfirmed);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(intruder));
        Assert.Empty(EmailsTo(intruder));
    }

    [Fact]
    public async Task Without_a_pending_invitation_registration_is_for_a_new_organization()
    {
        var owner = await NewAccountAsync("owner");
        var withdrawnFor = UniqueEmail("withdrawn");
        var withdrawn = await InviteAsync(owner, withdrawnFor, MemberRoles.Billing);
        await AnswerAsOwnerAsync(owner, RefusedLink.Withdrawn, withdrawnFor);
        using var client = NewClient();

        foreach (var token in new[] { withdrawn, "guessed-token" })
        {
            var form = await GetPageAsync(client, RegisterPath(token));
            Assert.Contains("name=\"Input.OrganizationName\"", form);
            Assert.Contains("name=\"Input.Email\"", form);
            Assert.DoesNotContain(owner.OrganizationName, form);
            Assert.DoesNotContain(withdrawnFor, form);
        }
    }

    // ---- helpers ----

    private const string JoinFormMarker = $"name=\"_handler\" value=\"{JoinForm}\"";

    private sealed record Account(Guid OrganizationId, string OrganizationName, string UserId, string Email)
    {
        public Actor Actor => Actor.Person(UserId, Email, Roles.Customer).In(OrganizationId, MemberRoles.Owner);
    }

    private async Task<Account> NewAccountAsync(string who)
    {
        var organizationName = $"Fabrikam {who} {Guid.NewGuid():N}";
        var account = await CustomerAccounts.CreateAsync(app.Services, organizationName, UniqueEmail(who), Password);
        return new Account(account.OrganizationId, organizationName, account.UserId, account.Email);
    }

    /// <summary>The owner invites the address; the token is the one the invitation email's link carries.</summary>
    private async Task<string> InviteAsync(Account owner, string email, MemberRoles roles, DateTimeOffset? sentAt = null)
    {
        string? token = null;
        var memberships = sentAt is { } then
            ? ActivatorUtilities.CreateInstance<MembershipService>(app.Services, new FakeTimeProvider(then))
            : app.Services.GetRequiredService<MembershipService>();
        await memberships.InviteAsync(owner.OrganizationId, email, roles, owner.Actor, link =>
        {
            token = link;
            return new Uri($"http://localhost{InvitationPath(link)}");
        });
        return token!;
    }

    private async Task AnswerAsOwnerAsync(Account owner, RefusedLink link, string invited)
    {
        var memberships = app.Services.GetRequiredService<MembershipService>();
        var invitation = await InvitationOfAsync(owner.OrganizationId, invited);
        if (link == RefusedLink.Withdrawn)
            await memberships.WithdrawAsync(owner.OrganizationId, invitation.Id, owner.Actor);
        else
            await memberships.ResendAsync(owner.OrganizationId, invitation.Id, owner.Actor, token => new Uri($"http://localhost{InvitationPath(token)}"));
    }

    private async Task<Invitation> InvitationOfAsync(Guid organizationId, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Invitations.AsNoTracking()
            .SingleAsync(i => i.OrganizationId == organizationId && i.Email == email);
    }

    private static string InvitationPath(string token) => $"/invitations/{token}";

    private static string RegisterPath(string token) => $"/Account/Register?invitation={token}";

    private HttpClient NewClient() =>
        app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = NewClient();
        var signIn = await SignInAsync(client, email, Password);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect && !IsRedirectTo(signIn, "/Account/Login"), $"{email} could not sign in");
        return client;
    }

    /// <summary>GETs a page that must answer 200 (never a 500), as its HTML.</summary>
    private static async Task<string> GetPageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode} {response.Headers.Location}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts the join form of the link's page as a browser would, even when the page shows no such form.</summary>
    private static async Task<HttpResponseMessage> PostJoinAsync(HttpClient client, string token, string tokenPage = "/Account/Manage/ChangePassword")
    {
        var antiforgery = AntiforgeryToken(await GetPageAsync(client, tokenPage));
        return await client.PostAsync(InvitationPath(token), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = JoinForm,
            ["__RequestVerificationToken"] = antiforgery,
        }));
    }

    private async Task<Membership?> MembershipAsync(Guid organizationId, string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Memberships.AsNoTracking()
            .SingleOrDefaultAsync(m => m.OrganizationId == organizationId && m.UserId == userId);
    }

    private async Task<List<Membership>> MembershipsOfAsync(string userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Memberships.AsNoTracking()
            .Where(m => m.UserId == userId).ToListAsync();
    }

    private async Task<PortalUser> UserAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    private async Task<IList<string>> RolesOfAsync(PortalUser user)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().GetRolesAsync(user);
    }

    private async Task<int> CountOrganizationsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Organizations.CountAsync();
    }

    private static string UniqueEmail(string who) => $"{who}-{Guid.NewGuid():N}@fabrikam.example";

    private IEnumerable<MimeMessage> EmailsTo(string email) =>
        Directory.Exists(app.Factory.MailPickupFolder)
            ? Directory.EnumerateFiles(app.Factory.MailPickupFolder, "*.eml")
                .Select(file => MimeMessage.Load(file))
                .Where(message => message.To.Mailboxes.Any(to => to.Address.Equals(email, StringComparison.OrdinalIgnoreCase)))
            : [];

    /// <summary>The confirmation link of the one account email to the address (the invitation email goes out as well).</summary>
    private string ConfirmationLink(string email)
    {
        var links = EmailsTo(email).Select(message => ConfirmEmailLink().Match(message.TextBody ?? "")).Where(match => match.Success).ToList();
        return Assert.Single(links).Value;
    }

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\?\S+")]
    private static partial Regex ConfirmEmailLink();
}
