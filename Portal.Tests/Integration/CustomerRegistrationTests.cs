using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Accounts;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;
using Portal.Domain.Members;

namespace Portal.Tests.Integration;

public sealed class CustomerRegistrationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 9, 30, 0, TimeSpan.Zero);
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _services = _database.CreateServices(new FakeTimeProvider(Now));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<RegistrationResult> RegisterAsync(NewCustomer customer)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CustomerRegistration>().RegisterAsync(customer);
    }

    private static NewCustomer Customer(string email = "ana@fabrikam.example", string country = "NL") =>
        new(email, "Correct-Horse-42", "Fabrikam Foundation", OrganizationKind.Nonprofit, country);

    [Fact]
    public async Task Registration_creates_the_organization_with_the_user_as_its_first_member_and_a_customer()
    {
        var result = await RegisterAsync(Customer());

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        await using var db = _database.CreateContext();
        var organization = await db.Organizations.SingleAsync();
        Assert.Equal(("Fabrikam Foundation", OrganizationKind.Nonprofit, "NL", "ana@fabrikam.example", Now),
            (organization.Name, organization.Kind, organization.CountryCode, organization.BillingEmail, organization.CreatedAt));
        var user = await db.Users.SingleAsync(u => u.Email == "ana@fabrikam.example");
        Assert.Equal(organization.Id, user.ChosenOrganizationId);
        var founder = await db.Memberships.SingleAsync();
        Assert.Equal((organization.Id, user.Id, MemberRoles.Owner), (founder.OrganizationId, founder.UserId, founder.Roles));
        Assert.False(user.EmailConfirmed);

        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.Equal([Roles.Customer], await users.GetRolesAsync((await users.FindByEmailAsync("ana@fabrikam.example"))!));
    }

    [Fact]
    public async Task A_taken_email_is_refused_and_leaves_no_organization_behind()
    {
        Assert.True((await RegisterAsync(Customer())).Succeeded);

        var second = await RegisterAsync(Customer() with { OrganizationName = "Another Org" });

        Assert.False(second.Succeeded);
        Assert.Contains(second.Errors, error => error.Contains("already taken", StringComparison.OrdinalIgnoreCase));
        await using var db = _database.CreateContext();
        Assert.Equal(["Fabrikam Foundation"], await db.Organizations.Select(o => o.Name).ToListAsync());
    }

    [Fact]
    public async Task A_weak_password_is_refused_and_nothing_is_stored()
    {
        var result = await RegisterAsync(Customer() with { Password = "short" });

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, error => error.Contains("at least 12 characters"));
        await using var db = _database.CreateContext();
        Assert.Equal(0, await db.Organizations.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task An_unknown_country_is_refused_with_a_clear_message()
    {
        var result = await RegisterAsync(Customer(country: "ZZ"));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, error => error.Contains("not a country we know"));
        await using var db = _database.CreateContext();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task The_sign_in_carries_the_organization_claim()
    {
        await RegisterAsync(Customer());
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var factory = ActivatorUtilities.CreateInstance<PortalClaimsPrincipalFactory>(scope.ServiceProvider);
        var user = (await users.FindByEmailAsync("ana@fabrikam.example"))!;

        var principal = await factory.CreateAsync(user);

        Assert.Equal(user.ChosenOrganizationId, principal.OrganizationId());
        Assert.Equal(MemberRoles.Owner, principal.MemberRoles());
        Assert.True(principal.IsInRole(Roles.Customer));
    }
}
