using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Tests.Integration;

using static Portal.Tests.Integration.AccountForms;

namespace Portal.Tests.Security;

/// <summary>The running app on a clock the tests move (the cookie's security-stamp check reads the app's TimeProvider).</summary>
public sealed class AccessRevocationApp : PortalApp
{
    public AccessRevocationApp() => Factory.WithServices(services => services.AddSingleton<TimeProvider>(Clock));

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
}

/// <summary>
/// Issue 8: a disabled or role-changed staff member loses access within a minute (the default of
/// <c>Portal:SecurityRevalidationInterval</c>), in the cookie of every request and in the check that open circuits run.
/// The browser test of an open circuit is Browser/RevokedAccessTests.
/// </summary>
public sealed class AccessRevocationTests(AccessRevocationApp app) : IClassFixture<AccessRevocationApp>
{
    private PortalAppFactory Factory => app.Factory;

    [Fact]
    public async Task A_disabled_staff_members_signed_in_cookie_stops_working_within_a_minute()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Support);
        using var client = await SignedInAsync(staff);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/extensions")).StatusCode);

        await Factory.Services.GetRequiredService<StaffAccounts>().DisableAsync(staff.UserId, await TestStaff.DemoAdminAsync(Factory.Services));
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var afterAMinute = await client.GetAsync("/staff/extensions");

        Assert.True(IsRedirectTo(afterAMinute, "/Account/Login"), $"a disabled account's cookie answered {afterAMinute.StatusCode} {afterAMinute.Headers.Location}");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task An_admin_moved_to_support_loses_the_admin_pages_within_a_minute()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Admin);
        using var client = await SignedInAsync(staff);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/staff")).StatusCode);

        await Factory.Services.GetRequiredService<StaffAccounts>().ChangeRolesAsync(staff.UserId, [Roles.Support], await TestStaff.DemoAdminAsync(Factory.Services));
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var afterAMinute = await client.GetAsync("/admin/staff");

        Assert.True(IsRedirectTo(afterAMinute, "/Account/Login") || IsRedirectTo(afterAMinute, "/Account/AccessDenied"),
            $"a former admin's cookie answered {afterAMinute.StatusCode} {afterAMinute.Headers.Location}");
    }

    [Fact]
    public async Task The_circuit_check_refuses_a_sign_in_once_its_account_is_disabled_changed_or_gone()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Sales);
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var claimTypes = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var user = (await users.FindByIdAsync(staff.UserId))!;
        var signIn = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        async Task<bool> Stands() => await IdentityRevalidatingAuthenticationStateProvider.CheckAsync(users, db, claimTypes, signIn) != SignInCheck.Ended;

        Assert.True(await Stands());

        // Each change below leaves the security stamp alone, so only the circuit's own checks can notice it.
        await users.SetLockoutEndDateAsync(user, StaffAccounts.DisabledLockoutEnd);
        Assert.False(await Stands(), "a disabled account");
        await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15));
        Assert.True(await Stands(), "a lockout after wrong passwords does not end open sessions: anyone can cause one");
        await users.SetLockoutEndDateAsync(user, null);

        await users.AddToRoleAsync(user, Roles.Admin);
        Assert.False(await Stands(), "a role added");
        await users.RemoveFromRolesAsync(user, [Roles.Admin, Roles.Sales]);
        await users.AddToRoleAsync(user, Roles.Support);
        Assert.False(await Stands(), "a role swapped");
        await users.RemoveFromRoleAsync(user, Roles.Support);
        await users.AddToRoleAsync(user, Roles.Sales);
        Assert.True(await Stands());

        await users.UpdateSecurityStampAsync(user);
        Assert.False(await Stands(), "a new security stamp (password, two-factor or staff account change)");

        await users.DeleteAsync(user);
        Assert.False(await Stands(), "a deleted account");
    }

    [Fact]
    public void Cookies_and_circuits_are_checked_every_minute_by_default()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    public async Task A_revalidation_interval_that_is_not_positive_stops_the_app_with_a_clear_message(string interval)
    {
        await using var broken = new PortalAppFactory().With(IdentityHosting.SecurityRevalidationIntervalSetting, interval);

        var refused = Assert.Throws<InvalidOperationException>(() => broken.Services);

        Assert.Contains("Portal:SecurityRevalidationInterval must be longer than zero", refused.Message);
    }

    private async Task<HttpClient> SignedInAsync(TestStaff staff)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signIn = await SignInAsync(client, staff.Email, TestStaff.Password, authenticatorKey: staff.AuthenticatorKey!);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }
}
