using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Tests.Builders;
using Portal.Tests.Integration;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 20: what the check of an open page's sign-in decides (<see cref="IdentityRevalidatingAuthenticationStateProvider.CheckAsync"/>)
/// when the person's memberships change. A change of organization or member roles leaves the sign-in standing but
/// outdated, so the page reloads with a sign-in made anew; what ended a sign-in before still ends it.
/// </summary>
public sealed class MembershipRevalidationTests(OrganizationSwitchApp app) : IClassFixture<OrganizationSwitchApp>
{
    [Fact]
    public async Task A_sign_in_made_from_the_memberships_as_they_are_is_current()
    {
        var consultant = await app.ConsultantAsync($"current-{Guid.NewGuid():N}");

        Assert.Equal(SignInCheck.Current, await CheckAsync(await SignInAsync(consultant)));
    }

    [Fact]
    public async Task A_switch_made_in_another_tab_makes_the_sign_in_outdated()
    {
        var consultant = await app.ConsultantAsync($"switch-{Guid.NewGuid():N}");
        var signIn = await SignInAsync(consultant);

        await ChangeAccountAsync(consultant, (users, user) =>
        {
            user.ChooseOrganization(app.Birch.Id);
            return users.UpdateAsync(user);
        });

        Assert.Equal(SignInCheck.Outdated, await CheckAsync(signIn));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    [InlineData(MemberRoles.Owner | MemberRoles.Billing)]
    public async Task Other_roles_in_the_current_organization_make_the_sign_in_outdated(MemberRoles roles)
    {
        var consultant = await app.ConsultantAsync($"roles-{Guid.NewGuid():N}", inAlder: MemberRoles.Billing);
        var signIn = await SignInAsync(consultant);

        await app.Services.GetRequiredService<MembershipService>().ChangeRolesAsync(app.Alder.Id, consultant.UserId, roles, app.Alder.Owner.Actor);

        Assert.Equal(SignInCheck.Outdated, await CheckAsync(signIn));
    }

    [Fact]
    public async Task A_removal_from_the_current_organization_makes_the_sign_in_outdated_and_one_from_another_does_not()
    {
        var consultant = await app.ConsultantAsync($"removed-{Guid.NewGuid():N}");
        var signIn = await SignInAsync(consultant);
        var members = app.Services.GetRequiredService<MembershipService>();

        await members.RemoveAsync(app.Birch.Id, consultant.UserId, app.Birch.Owner.Actor);
        Assert.Equal(SignInCheck.Current, await CheckAsync(signIn));

        await members.RemoveAsync(app.Alder.Id, consultant.UserId, app.Alder.Owner.Actor);
        Assert.Equal(SignInCheck.Outdated, await CheckAsync(signIn));
    }

    [Fact]
    public async Task A_member_removed_from_their_last_organization_is_outdated_until_the_sign_in_is_made_anew()
    {
        var consultant = await app.ConsultantAsync($"last-{Guid.NewGuid():N}");
        var members = app.Services.GetRequiredService<MembershipService>();
        await members.RemoveAsync(app.Alder.Id, consultant.UserId, app.Alder.Owner.Actor);
        var inBirchOnly = await SignInAsync(consultant);
        Assert.Equal(app.Birch.Id, inBirchOnly.OrganizationId());

        await members.RemoveAsync(app.Birch.Id, consultant.UserId, app.Birch.Owner.Actor);

        Assert.Equal(SignInCheck.Outdated, await CheckAsync(inBirchOnly));
        Assert.Equal(SignInCheck.Current, await CheckAsync(await SignInAsync(consultant)));
    }

    [Fact]
    public async Task What_ended_a_sign_in_before_still_ends_it_whatever_the_memberships()
    {
        var disabled = await app.ConsultantAsync($"disabled-{Guid.NewGuid():N}");
        var disabledSignIn = await SignInAsync(disabled);
        await ChangeAccountAsync(disabled, (users, user) => users.SetLockoutEndDateAsync(user, StaffAccounts.DisabledLockoutEnd));

        var stamped = await app.ConsultantAsync($"stamped-{Guid.NewGuid():N}");
        var stampedSignIn = await SignInAsync(stamped);
        await ChangeAccountAsync(stamped, (users, user) => users.UpdateSecurityStampAsync(user));

        var noCustomer = await app.ConsultantAsync($"role-{Guid.NewGuid():N}");
        var noCustomerSignIn = await SignInAsync(noCustomer);
        await ChangeAccountAsync(noCustomer, (users, user) => users.RemoveFromRoleAsync(user, Roles.Customer));

        Assert.Equal(SignInCheck.Ended, await CheckAsync(disabledSignIn));
        Assert.Equal(SignInCheck.Ended, await CheckAsync(stampedSignIn));
        Assert.Equal(SignInCheck.Ended, await CheckAsync(noCustomerSignIn));
    }

    /// <summary>The sign-in Identity makes for the account now (as at sign-in, or when it is made anew).</summary>
    private async Task<ClaimsPrincipal> SignInAsync(CustomerAccount account)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync((await users.FindByIdAsync(account.UserId))!);
    }

    private async Task<SignInCheck> CheckAsync(ClaimsPrincipal signIn)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        return await IdentityRevalidatingAuthenticationStateProvider.CheckAsync(
            services.GetRequiredService<UserManager<PortalUser>>(), services.GetRequiredService<PortalDbContext>(),
            services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity, signIn);
    }

    private async Task ChangeAccountAsync(CustomerAccount account, Func<UserManager<PortalUser>, PortalUser, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True((await change(users, (await users.FindByIdAsync(account.UserId))!)).Succeeded);
    }
}
