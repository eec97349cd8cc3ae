using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.History;

namespace Portal.Domain.Accounts;

/// <summary>A staff account as admins see it.</summary>
public sealed record StaffMember(
    string Id,
    string Email,
    IReadOnlyList<string> Roles,
    bool EmailConfirmed,
    bool HasPassword,
    bool TwoFactorEnabled,
    bool Disabled,
    DateTimeOffset? LockedOutUntil);

/// <summary>A new staff account and the token with which its owner chooses a password (Identity's password reset token).</summary>
public sealed record StaffInvitation(string UserId, string Email, string Role, string PasswordToken);

/// <summary>
/// Admins keep the staff: accounts with the Sales, Support or Admin role and no organization. A new account has no
/// password; its owner chooses one through the link in their invitation, so no admin ever knows it. Disabling locks the
/// account until <see cref="DisabledLockoutEnd"/> and changes its security stamp, which ends its sessions at their next
/// check. An admin can neither disable themselves nor drop their own Admin role, so an active admin always remains.
/// Every change is audited as a staff-only event.
/// </summary>
/// <remarks>
/// Identity's <see cref="UserManager{TUser}"/> works on a scoped context; each operation takes its own scope, the
/// way Blazor components take one context per operation.
/// </remarks>
public sealed class StaffAccounts(IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    /// <summary>The lockout end of a disabled account: whole seconds, so it reads back exactly on every provider.</summary>
    public static readonly DateTimeOffset DisabledLockoutEnd = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly EmailAddressAttribute EmailRule = new();

    /// <summary>Whether an admin disabled the account (as opposed to a temporary lockout after wrong passwords).</summary>
    public static bool IsDisabled(PortalUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockoutEnd >= DisabledLockoutEnd;
    }

    /// <summary>Who creates the first admin: the portal itself, at start, on the operator's configuration.</summary>
    private static readonly Actor PortalSetup = new(null, "Portal setup", new HashSet<string> { Roles.Admin });

    /// <summary>Every staff account by email, with its staff roles and sign-in state.</summary>
    public static async Task<IReadOnlyList<StaffMember>> ListAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var memberships = await (
                from userRole in db.UserRoles
                join role in db.Roles on userRole.RoleId equals role.Id
                where role.Name == Roles.Sales || role.Name == Roles.Support || role.Name == Roles.Admin
                select new { userRole.UserId, Role = role.Name! })
            .ToListAsync(cancellationToken);
        var ids = memberships.Select(m => m.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, Email = u.Email ?? u.UserName ?? "", u.EmailConfirmed, HasPassword = u.PasswordHash != null, u.TwoFactorEnabled, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        return users
            .OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase)
            .Select(u => new StaffMember(
                u.Id, u.Email,
                Roles.Staff.Where(r => memberships.Any(m => m.UserId == u.Id && m.Role == r)).ToList(),
                u.EmailConfirmed, u.HasPassword, u.TwoFactorEnabled,
                Disabled: u.LockoutEnd >= DisabledLockoutEnd,
                LockedOutUntil: u.LockoutEnd > now && u.LockoutEnd < DisabledLockoutEnd ? u.LockoutEnd : null))
            .ToList();
    }

    /// <summary>
    /// A new portal has no admin to create staff accounts with: the one named in configuration is created, once, while no
    /// admin exists. Its owner chooses a password with "Forgot your password?" (the address counts as confirmed). Null
    /// when an admin already exists.
    /// </summary>
    public async Task<StaffInvitation?> EnsureFirstAdminAsync(string email, CancellationToken cancellationToken = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var anyAdmin = await (
                    from userRole in db.UserRoles
                    join role in db.Roles on userRole.RoleId equals role.Id
                    where role.Name == Roles.Admin
                    select userRole.UserId)
                .AnyAsync(cancellationToken);
            if (anyAdmin)
                return null;
        }
        return await CreateAsync(email, Roles.Admin, PortalSetup, cancellationToken);
    }

    /// <summary>
    /// Creates a staff account with one role and no password; the caller emails its owner a link with
    /// <see cref="StaffInvitation.PasswordToken"/>. The address counts as confirmed: only its owner can use the link.
    /// </summary>
    public async Task<StaffInvitation> CreateAsync(string email, string role, Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("create staff accounts", Roles.Admin);
        var address = email?.Trim() ?? "";
        if (address.Length == 0)
            throw new DomainException("Enter the new staff member's email address.");
        if (!EmailRule.IsValid(address))
            throw new DomainException("Enter an email address such as name@keymetric.example.");
        RequireStaffRoles([role]);

        var userId = await InTransactionAsync(async (users, db) =>
        {
            if (await users.FindByEmailAsync(address) is not null)
                throw new DomainException($"There is already an account for {address}.");
            var user = new PortalUser { UserName = address, Email = address, EmailConfirmed = true, LockoutEnabled = true };
            Check(await users.CreateAsync(user));
            Check(await users.AddToRoleAsync(user, role));
            audit.Record(db, actor, "staff.created", nameof(PortalUser), user.Id, organizationId: null,
                $"Staff account {address} created with the {role} role.", visibleToCustomer: false);
            return user.Id;
        }, cancellationToken);

        // The token is made after the commit: making it may create the portal's first Data Protection key, which is
        // stored through another connection, and SQLite lets one connection write at a time.
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var created = await tokens.FindByIdAsync(userId) ?? throw new DomainException($"The account for {address} was not found after it was created.");
        return new StaffInvitation(userId, address, role, await tokens.GeneratePasswordResetTokenAsync(created));
    }

    /// <summary>Gives the staff member exactly these roles (at least one). Returns false, and records nothing, when nothing changes.</summary>
    public async Task<bool> ChangeRolesAsync(string userId, IReadOnlyCollection<string> roles, Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("change staff roles", Roles.Admin);
        var wanted = roles.Distinct().ToList();
        if (wanted.Count == 0)
            throw new DomainException("A staff member needs at least one role. To stop someone signing in, disable their account.");
        RequireStaffRoles(wanted);

        return await InTransactionAsync(async (users, db) =>
        {
            var (user, current) = await FindStaffAsync(users, userId);
            if (user.Id == actor.UserId && current.Contains(Roles.Admin) && !wanted.Contains(Roles.Admin))
                throw new DomainException("You cannot remove your own Admin role. Ask another admin to do it.");
            var added = wanted.Except(current).ToList();
            var removed = current.Except(wanted).ToList();
            if (added.Count == 0 && removed.Count == 0)
                return false;

            Check(await users.AddToRolesAsync(user, added));
            Check(await users.RemoveFromRolesAsync(user, removed));
            // Roles travel in the sign-in: a new stamp ends the sessions, and the next sign-in carries the new roles.
            Check(await users.UpdateSecurityStampAsync(user));
            audit.Record(db, actor, "staff.roles-changed", nameof(PortalUser), user.Id, organizationId: null,
                $"Roles of {user.Email} changed to {string.Join(", ", Roles.Staff.Where(wanted.Contains))}.", visibleToCustomer: false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Stops the staff member signing in and ends their sessions at their next check.</summary>
    public async Task DisableAsync(string userId, Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("disable staff accounts", Roles.Admin);
        if (userId == actor.UserId)
            throw new DomainException("You cannot disable your own account. Ask another admin to do it.");

        await InTransactionAsync(async (users, db) =>
        {
            var (user, _) = await FindStaffAsync(users, userId);
            if (IsDisabled(user))
                throw new DomainException($"{user.Email} is already disabled.");
            Check(await users.SetLockoutEnabledAsync(user, true));
            Check(await users.SetLockoutEndDateAsync(user, DisabledLockoutEnd));
            Check(await users.UpdateSecurityStampAsync(user));
            audit.Record(db, actor, "staff.disabled", nameof(PortalUser), user.Id, organizationId: null,
                $"Staff account {user.Email} disabled.", visibleToCustomer: false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Lets a disabled (or locked-out) staff member sign in again.</summary>
    public async Task EnableAsync(string userId, Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("enable staff accounts", Roles.Admin);

        await InTransactionAsync(async (users, db) =>
        {
            var (user, _) = await FindStaffAsync(users, userId);
            if (!(user.LockoutEnd > clock.GetUtcNow()))
                throw new DomainException($"{user.Email} is not disabled and can sign in.");
            Check(await users.SetLockoutEndDateAsync(user, null));
            Check(await users.ResetAccessFailedCountAsync(user));
            audit.Record(db, actor, "staff.enabled", nameof(PortalUser), user.Id, organizationId: null,
                $"Staff account {user.Email} enabled again.", visibleToCustomer: false);
            return true;
        }, cancellationToken);
    }

    private static void RequireStaffRoles(IEnumerable<string> roles)
    {
        foreach (var role in roles)
        {
            if (!Roles.Staff.Contains(role))
                throw new DomainException($"'{role}' is not a staff role. Choose {string.Join(", ", Roles.Staff)}.");
        }
    }

    /// <summary>The account and its staff roles; refuses customers and accounts that are not staff.</summary>
    private static async Task<(PortalUser User, List<string> Roles)> FindStaffAsync(UserManager<PortalUser> users, string userId)
    {
        var user = await users.FindByIdAsync(userId);
        var roles = user is null ? [] : (await users.GetRolesAsync(user)).Where(Accounts.Roles.Staff.Contains).ToList();
        if (user is null || roles.Count == 0)
            throw new DomainException("That staff account does not exist.");
        return (user, roles);
    }

    /// <summary>
    /// Runs Identity's steps and the audit event in one transaction: Identity saves after each step, and all of them
    /// commit together or not at all.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(
        Func<UserManager<PortalUser>, PortalDbContext, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await change(users, db);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        });
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new DomainException(string.Join(" ", result.Errors.Select(error => error.Description)));
    }
}
