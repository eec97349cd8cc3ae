using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;
using Portal.Domain.Members;

namespace Portal.Tests.Domain;

/// <summary>Members keep their organization's profile up to date, under the rules of registration, and every change is audited.</summary>
public sealed class OrganizationServiceTests
{
    private static OrganizationService Service(DomainFixture domain) =>
        new(domain.Get<IDbContextFactory<PortalDbContext>>(), domain.Get<AuditLog>());

    private static async Task<Actor> MemberAsync(DomainFixture domain, Organization organization, string email = "ana@contoso.example")
    {
        await using var db = domain.Db();
        var user = new PortalUser { UserName = email, Email = email };
        user.JoinAs(db, organization.Id);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return Actor.Person(user.Id, email, Roles.Customer).In(organization.Id, MemberRoles.Owner);
    }

    private static async Task<Organization> StoredAsync(DomainFixture domain, Guid id)
    {
        await using var db = domain.Db();
        return await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    private static async Task<IReadOnlyList<AuditEvent>> ProfileEventsAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        return await db.AuditEvents.AsNoTracking().Where(e => e.Action == "organization.profile-updated").ToListAsync();
    }

    [Fact]
    public async Task A_member_updates_the_profile_trimmed_and_normalised_like_registration_and_it_is_audited()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberAsync(domain, domain.Contoso);

        var changed = await Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, "  Contoso Facilities Ltd  ", OrganizationKind.Nonprofit, "nl", " accounts@contoso.example ", member);

        Assert.True(changed);
        var stored = await StoredAsync(domain, domain.Contoso.Id);
        Assert.Equal("Contoso Facilities Ltd", stored.Name);
        Assert.Equal(OrganizationKind.Nonprofit, stored.Kind);
        Assert.Equal("NL", stored.CountryCode);
        Assert.Equal("accounts@contoso.example", stored.BillingEmail);
        var audit = Assert.Single(await ProfileEventsAsync(domain));
        Assert.Equal(member.UserId, audit.ActorUserId);
        Assert.Equal("ana@contoso.example", audit.ActorName);
        Assert.Equal(domain.Contoso.Id, audit.OrganizationId);
        Assert.Equal(domain.Contoso.Id.ToString(), audit.EntityId);
        Assert.True(audit.VisibleToCustomer);
        Assert.Equal(
            "Organization profile changed: name from \"Contoso Ltd\" to \"Contoso Facilities Ltd\"; kind from Commercial to Nonprofit; " +
            "country from United Kingdom to Netherlands; billing email from billing@contoso.example to accounts@contoso.example.",
            audit.Summary);
    }

    [Theory]
    [InlineData("", "GB", "billing@contoso.example", "needs a name")]
    [InlineData("   ", "GB", "billing@contoso.example", "needs a name")]
    [InlineData("Contoso", "XX", "billing@contoso.example", "not a country")]
    [InlineData("Contoso", "", "billing@contoso.example", "not a country")]
    [InlineData("Contoso", "GB", " ", "billing email")]
    public async Task Bad_input_is_refused_with_the_registration_message_and_changes_nothing(
        string name, string country, string billingEmail, string expected)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberAsync(domain, domain.Contoso);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Service(domain).UpdateProfileAsync(domain.Contoso.Id, name, OrganizationKind.Commercial, country, billingEmail, member));

        Assert.Contains(expected, error.Message);
        Assert.Equal("Contoso Ltd", (await StoredAsync(domain, domain.Contoso.Id)).Name);
        Assert.Empty(await ProfileEventsAsync(domain));
    }

    [Fact]
    public async Task A_name_over_the_limit_and_an_undefined_kind_are_refused()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberAsync(domain, domain.Contoso);

        var tooLong = await Assert.ThrowsAsync<DomainException>(() => Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, new string('a', Organization.NameMaxLength + 1), OrganizationKind.Commercial, "GB", "b@c.example", member));
        var badKind = await Assert.ThrowsAsync<DomainException>(() => Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, "Contoso", (OrganizationKind)42, "GB", "b@c.example", member));

        Assert.Contains($"at most {Organization.NameMaxLength}", tooLong.Message);
        Assert.Contains("commercial, nonprofit, educational or governmental", badKind.Message);
        Assert.Empty(await ProfileEventsAsync(domain));
    }

    [Fact]
    public async Task Saving_the_same_profile_changes_nothing_and_records_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberAsync(domain, domain.Contoso);

        var changed = await Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, "Contoso Ltd", OrganizationKind.Commercial, "gb", "billing@contoso.example", member);

        Assert.False(changed);
        Assert.Empty(await ProfileEventsAsync(domain));
    }

    [Fact]
    public async Task A_member_of_another_organization_cannot_change_the_profile()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var outsider = await MemberAsync(domain, fabrikam, "olga@fabrikam.example");

        var error = await Assert.ThrowsAsync<DomainException>(() => Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, "Taken over", OrganizationKind.Commercial, "GB", "olga@fabrikam.example", outsider));

        Assert.Contains("Only members of the organization can change", error.Message);
        Assert.Equal("Contoso Ltd", (await StoredAsync(domain, domain.Contoso.Id)).Name);
        Assert.Empty(await ProfileEventsAsync(domain));
    }

    [Fact]
    public async Task An_admin_may_correct_a_profile_and_is_recorded_as_the_one_who_did()
    {
        await using var domain = await DomainFixture.CreateAsync();

        await Service(domain).UpdateProfileAsync(
            domain.Contoso.Id, "Contoso Ltd", OrganizationKind.Commercial, "GB", "finance@contoso.example", DomainFixture.Admin);

        Assert.Equal("finance@contoso.example", (await StoredAsync(domain, domain.Contoso.Id)).BillingEmail);
        Assert.Equal(DomainFixture.Admin.Name, Assert.Single(await ProfileEventsAsync(domain)).ActorName);
    }

    [Fact]
    public void The_entity_applies_the_rules_of_registration()
    {
        var organization = Organization.Register("Contoso", OrganizationKind.Commercial, "GB", "a@contoso.example", DomainFixture.Start);

        organization.UpdateProfile(" Contoso Group ", OrganizationKind.Governmental, "de", " b@contoso.example ");

        Assert.Equal(("Contoso Group", OrganizationKind.Governmental, "DE", "b@contoso.example"),
            (organization.Name, organization.Kind, organization.CountryCode, organization.BillingEmail));
        Assert.Throws<DomainException>(() => organization.UpdateProfile("Contoso", OrganizationKind.Commercial, "ZZ", "b@contoso.example"));
        Assert.Equal("DE", organization.CountryCode);
    }
}
