using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Tests.Builders;
using Portal.Tests.Components;

namespace Portal.Tests.Domain;

/// <summary>Staff accounts and roles, kept by admins through Identity on a real SQLite database, every change audited.</summary>
public sealed class StaffAccountsTests : IAsyncLifetime
{
    private const string NewPassword = "Chosen-By-Them-2026!";
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private StaffAccounts Staff => _fx.Get<StaffAccounts>();

    [Fact]
    public async Task The_first_admin_of_a_new_portal_is_created_once_and_only_while_there_is_no_admin()
    {
        var first = await Staff.EnsureFirstAdminAsync("owner@keymetric.example");
        var again = await Staff.EnsureFirstAdminAsync("someone.else@keymetric.example");

        Assert.Equal(("owner@keymetric.example", Roles.Admin), (first!.Email, first.Role));
        Assert.Null(again);
        await using var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var owner = await users.FindByEmailAsync("owner@keymetric.example");
        Assert.True(owner!.EmailConfirmed);
        Assert.Null(owner.PasswordHash);
        Assert.Equal([Roles.Admin], await users.GetRolesAsync(owner));
        Assert.Null(await users.FindByEmailAsync("someone.else@keymetric.example"));
        Assert.True((await users.ResetPasswordAsync(owner, first.PasswordToken, NewPassword)).Succeeded);
    }

    [Fact]
    public async Task An_admin_creates_an_account_with_one_role_and_no_password_whose_owner_chooses_one_with_the_token()
    {
        var invitation = await Staff.CreateAsync("  Sam@KeyMetric.example ", Roles.Support, DomainFixture.Admin);

        Assert.Equal(("Sam@KeyMetric.example", Roles.Support), (invitation.Email, invitation.Role));
        await using var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync("sam@keymetric.example");
        Assert.NotNull(user);
        Assert.Equal(invitation.UserId, user.Id);
        Assert.Null(user.ChosenOrganizationId);
        Assert.False(await users.HasPasswordAsync(user));
        Assert.True(user.EmailConfirmed);
        Assert.True(user.LockoutEnabled);
        Assert.Equal([Roles.Support], await users.GetRolesAsync(user));

        Assert.True((await users.ResetPasswordAsync(user, invitation.PasswordToken, NewPassword)).Succeeded);
        Assert.True(await users.CheckPasswordAsync(user, NewPassword));

        var audit = await SingleAuditAsync("staff.created");
        Assert.Equal((DomainFixture.Admin.Name, invitation.UserId, false, null), (audit.ActorName, audit.EntityId, audit.VisibleToCustomer, audit.OrganizationId));
        Assert.Equal("Staff account Sam@KeyMetric.example created with the Support role.", audit.Summary);
    }

    public static TheoryData<string> NonAdmins => [Roles.Sales, Roles.Support, Roles.Customer];

    [Theory]
    [MemberData(nameof(NonAdmins))]
    public async Task Only_admins_keep_staff_accounts_and_a_refusal_changes_nothing(string role)
    {
        var target = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        var stampBefore = await StampAsync(target.UserId);
        var someone = Actor.Person("someone-1", "someone@keymetric.example", role);

        var create = await Assert.ThrowsAsync<DomainException>(() => Staff.CreateAsync("new@keymetric.example", Roles.Sales, someone));
        var roles = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRolesAsync(target.UserId, [Roles.Admin], someone));
        var disable = await Assert.ThrowsAsync<DomainException>(() => Staff.DisableAsync(target.UserId, someone));
        var enable = await Assert.ThrowsAsync<DomainException>(() => Staff.EnableAsync(target.UserId, someone));

        Assert.Equal("Only Admin staff can create staff accounts.", create.Message);
        Assert.Equal("Only Admin staff can change staff roles.", roles.Message);
        Assert.Equal("Only Admin staff can disable staff accounts.", disable.Message);
        Assert.Equal("Only Admin staff can enable staff accounts.", enable.Message);
        await using var db = _fx.Db();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "new@keymetric.example"));
        var staff = Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow()));
        Assert.Equal([Roles.Sales], staff.Roles);
        Assert.False(staff.Disabled);
        Assert.Equal(stampBefore, await StampAsync(target.UserId));
        Assert.Equal(["staff.created"], await db.AuditEvents.Select(e => e.Action).ToListAsync());
    }

    [Theory]
    [InlineData("", Roles.Sales, "Enter the new staff member's email address.")]
    [InlineData("   ", Roles.Sales, "Enter the new staff member's email address.")]
    [InlineData("not-an-address", Roles.Sales, "Enter an email address such as name@keymetric.example.")]
    [InlineData("ana@contoso.example", Roles.Customer, "'Customer' is not a staff role. Choose Sales, Support, Admin.")]
    [InlineData("ana@contoso.example", "Owner", "'Owner' is not a staff role. Choose Sales, Support, Admin.")]
    public async Task Bad_input_for_a_new_account_is_refused_with_a_clear_message_and_stores_nothing(string email, string role, string message)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => Staff.CreateAsync(email, role, DomainFixture.Admin));

        Assert.Equal(message, refused.Message);
        await using var db = _fx.Db();
        Assert.False(await db.Users.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync());
    }

    [Fact]
    public async Task An_address_that_already_has_an_account_is_refused_and_that_account_keeps_its_roles()
    {
        await using (var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.CreateAsync(new PortalUser { UserName = "ana@contoso.example", Email = "ana@contoso.example" })).Succeeded);
        }

        var refused = await Assert.ThrowsAsync<DomainException>(() => Staff.CreateAsync("ANA@contoso.example", Roles.Admin, DomainFixture.Admin));

        Assert.Equal("There is already an account for ANA@contoso.example.", refused.Message);
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.False(await db.UserRoles.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync());
    }

    [Fact]
    public async Task Changing_roles_gives_exactly_the_chosen_roles_ends_sessions_and_is_audited()
    {
        var target = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        var stampBefore = await StampAsync(target.UserId);

        var changed = await Staff.ChangeRolesAsync(target.UserId, [Roles.Support, Roles.Admin, Roles.Support], DomainFixture.Admin);

        Assert.True(changed);
        await using var db = _fx.Db();
        var staff = Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow()));
        Assert.Equal([Roles.Support, Roles.Admin], staff.Roles);
        Assert.NotEqual(stampBefore, await StampAsync(target.UserId));
        var audit = await SingleAuditAsync("staff.roles-changed");
        Assert.Equal(("Roles of sue@keymetric.example changed to Support, Admin.", false), (audit.Summary, audit.VisibleToCustomer));
    }

    [Fact]
    public async Task The_same_roles_again_change_nothing_and_record_nothing()
    {
        var target = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);

        Assert.False(await Staff.ChangeRolesAsync(target.UserId, [Roles.Sales], DomainFixture.Admin));

        await using var db = _fx.Db();
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "staff.roles-changed"));
    }

    [Fact]
    public async Task No_role_or_a_customer_role_is_refused()
    {
        var target = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);

        var none = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRolesAsync(target.UserId, [], DomainFixture.Admin));
        var customer = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRolesAsync(target.UserId, [Roles.Sales, Roles.Customer], DomainFixture.Admin));

        Assert.Equal("A staff member needs at least one role. To stop someone signing in, disable their account.", none.Message);
        Assert.Equal("'Customer' is not a staff role. Choose Sales, Support, Admin.", customer.Message);
        await using var db = _fx.Db();
        Assert.Equal([Roles.Sales], Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow())).Roles);
    }

    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_but_can_add_another_role_to_themselves()
    {
        var admin = await AdminAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRolesAsync(admin.UserId!, [Roles.Sales], admin));
        Assert.Equal("You cannot remove your own Admin role. Ask another admin to do it.", refused.Message);
        await using (var db = _fx.Db())
        {
            Assert.Equal([Roles.Admin], Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow())).Roles);
            Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "staff.roles-changed"));
        }

        Assert.True(await Staff.ChangeRolesAsync(admin.UserId!, [Roles.Admin, Roles.Sales], admin));
        await using var after = _fx.Db();
        Assert.Equal([Roles.Sales, Roles.Admin], Assert.Single(await StaffAccounts.ListAsync(after, _fx.Clock.GetUtcNow())).Roles);
    }

    [Fact]
    public async Task Another_admin_can_remove_an_admins_admin_role()
    {
        var first = await AdminAsync();
        var second = await Staff.CreateAsync("ada2@keymetric.example", Roles.Admin, DomainFixture.Admin);

        Assert.True(await Staff.ChangeRolesAsync(second.UserId, [Roles.Support], first));
    }

    [Fact]
    public async Task Customers_and_unknown_accounts_are_not_staff_accounts()
    {
        var member = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await using (var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.AddToRoleAsync((await users.FindByIdAsync(member.Id))!, Roles.Customer);
        }

        var roles = await Assert.ThrowsAsync<DomainException>(() => Staff.ChangeRolesAsync(member.Id, [Roles.Admin], DomainFixture.Admin));
        var disable = await Assert.ThrowsAsync<DomainException>(() => Staff.DisableAsync("no-such-user", DomainFixture.Admin));

        Assert.Equal("That staff account does not exist.", roles.Message);
        Assert.Equal("That staff account does not exist.", disable.Message);
        await using var db = _fx.Db();
        Assert.Empty(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow()));
        Assert.False(await db.AuditEvents.AnyAsync());
    }

    [Fact]
    public async Task Disabling_locks_the_account_for_good_ends_its_sessions_and_enabling_lets_it_sign_in_again()
    {
        var target = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        var stampBefore = await StampAsync(target.UserId);

        await Staff.DisableAsync(target.UserId, DomainFixture.Admin);

        await using (var db = _fx.Db())
        {
            var user = await db.Users.SingleAsync(u => u.Id == target.UserId);
            Assert.Equal(StaffAccounts.DisabledLockoutEnd, user.LockoutEnd);
            Assert.NotEqual(stampBefore, user.SecurityStamp);
            var staff = Assert.Single(await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow()));
            Assert.Equal((true, null), (staff.Disabled, staff.LockedOutUntil));
        }
        await using (var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True(await users.IsLockedOutAsync((await users.FindByIdAsync(target.UserId))!));
        }
        var again = await Assert.ThrowsAsync<DomainException>(() => Staff.DisableAsync(target.UserId, DomainFixture.Admin));
        Assert.Equal("sue@keymetric.example is already disabled.", again.Message);

        await Staff.EnableAsync(target.UserId, DomainFixture.Admin);

        await using var after = _fx.Db();
        Assert.Null((await after.Users.SingleAsync(u => u.Id == target.UserId)).LockoutEnd);
        Assert.False(Assert.Single(await StaffAccounts.ListAsync(after, _fx.Clock.GetUtcNow())).Disabled);
        Assert.Equal(["staff.created", "staff.disabled", "staff.enabled"],
            await after.AuditEvents.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.All(await after.AuditEvents.ToListAsync(), e => Assert.False(e.VisibleToCustomer));
        var enableActive = await Assert.ThrowsAsync<DomainException>(() => Staff.EnableAsync(target.UserId, DomainFixture.Admin));
        Assert.Equal("sue@keymetric.example is not disabled and can sign in.", enableActive.Message);
    }

    [Fact]
    public async Task An_admin_cannot_disable_themselves()
    {
        var admin = await AdminAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Staff.DisableAsync(admin.UserId!, admin));

        Assert.Equal("You cannot disable your own account. Ask another admin to do it.", refused.Message);
        await using var db = _fx.Db();
        Assert.Null((await db.Users.SingleAsync(u => u.Id == admin.UserId)).LockoutEnd);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "staff.disabled"));
    }

    [Fact]
    public async Task The_list_shows_staff_only_by_email_with_sign_in_state_and_a_lockout_from_wrong_passwords()
    {
        var sue = await Staff.CreateAsync("sue@keymetric.example", Roles.Sales, DomainFixture.Admin);
        var ada = await Staff.CreateAsync("ada@keymetric.example", Roles.Admin, DomainFixture.Admin);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        var lockedUntil = _fx.Clock.GetUtcNow().AddMinutes(15);
        await using (var scope = _fx.Get<IServiceScopeFactory>().CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(sue.UserId))!;
            await users.ResetPasswordAsync(user, sue.PasswordToken, NewPassword);
            await users.SetTwoFactorEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, lockedUntil);
        }
        await using var db = _fx.Db();

        var staff = await StaffAccounts.ListAsync(db, _fx.Clock.GetUtcNow());

        Assert.Equal(["ada@keymetric.example", "sue@keymetric.example"], staff.Select(s => s.Email));
        Assert.Equal((ada.UserId, false, false, false, null), (staff[0].Id, staff[0].HasPassword, staff[0].TwoFactorEnabled, staff[0].Disabled, staff[0].LockedOutUntil));
        Assert.Equal((true, true, false, lockedUntil), (staff[1].HasPassword, staff[1].TwoFactorEnabled, staff[1].Disabled, staff[1].LockedOutUntil));
    }

    /// <summary>An admin who exists as an account, so that "themselves" can be recognised.</summary>
    private async Task<Actor> AdminAsync()
    {
        var admin = await Staff.CreateAsync("ada@keymetric.example", Roles.Admin, DomainFixture.Admin);
        return Actor.Person(admin.UserId, admin.Email, Roles.Admin);
    }

    private async Task<string?> StampAsync(string userId)
    {
        await using var db = _fx.Db();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync();
    }

    private async Task<AuditEvent> SingleAuditAsync(string action)
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.SingleAsync(e => e.Action == action);
    }
}
