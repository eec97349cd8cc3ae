using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Tests.Security;

/// <summary>A staff account of a test's own, made the way admins make one, so that disabling it disturbs no other test.</summary>
public sealed record TestStaff(string UserId, string Email, string? AuthenticatorKey)
{
    public const string Password = "brass lantern orchard";

    /// <summary>
    /// Creates the account through <see cref="StaffAccounts"/> (as the demo admin), lets its owner choose
    /// <see cref="Password"/> with the invitation's token and, unless <paramref name="withAuthenticator"/> is false, set
    /// up an authenticator app (a new key, two-factor authentication on).
    /// </summary>
    public static async Task<TestStaff> CreateAsync(IServiceProvider services, string role, bool withAuthenticator = true)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@keymetric.example";
        var invitation = await services.GetRequiredService<StaffAccounts>().CreateAsync(email, role, await DemoAdminAsync(services));

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(invitation.UserId) ?? throw new InvalidOperationException("The new staff account is missing.");
        Check(await users.ResetPasswordAsync(user, invitation.PasswordToken, Password));
        if (!withAuthenticator)
            return new TestStaff(user.Id, email, null);

        Check(await users.ResetAuthenticatorKeyAsync(user));
        Check(await users.SetTwoFactorEnabledAsync(user, true));
        return new TestStaff(user.Id, email, await users.GetAuthenticatorKeyAsync(user));
    }

    /// <summary>The demo admin as the actor of staff account changes.</summary>
    public static async Task<Actor> DemoAdminAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(DevelopmentData.AdminEmail)
            ?? throw new InvalidOperationException("The demo admin is missing.");
        return Actor.Person(admin.Id, DevelopmentData.AdminEmail, Roles.Admin);
    }

    /// <summary>A 6-digit code that is not valid for the key at any time step Identity accepts now (two either side).</summary>
    public static string WrongCode(string base32Key)
    {
        var totp = new Totp(Base32Encoding.ToBytes(base32Key));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return new[] { "000000", "111111", "222222" }.First(code => !valid.Contains(code));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(error => error.Description)));
    }
}
