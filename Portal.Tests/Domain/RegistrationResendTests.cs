using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;
using Portal.Tests.Components;
using Portal.Domain.Members;

namespace Portal.Tests.Domain;

/// <summary>R11 again on request: members for their own organization, Support and admins for any; nobody else.</summary>
public sealed class RegistrationResendTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private RegistrationEmail Registration => _fx.Get<RegistrationEmail>();

    [Fact]
    public async Task R11_support_re_sends_any_organizations_registration_to_its_technical_members_and_billing_email()
    {
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ted@contoso.example", MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bea@contoso.example", MemberRoles.Billing);
        await using var db = _fx.Db();

        var sent = await Registration.ResendAsync(db, _fx.Contoso.Id, requestedByEmail: null, DomainFixture.Support);

        Assert.Equal(1, sent);
        var message = await db.OutboxMessages.AsNoTracking().Include(m => m.Attachments).SingleAsync();
        Assert.Equal(["ted@contoso.example", "billing@contoso.example"], message.To);
        Assert.Equal(2, message.Attachments.Count);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "registration.resent");
        Assert.Equal((DomainFixture.Support.Name, _fx.Contoso.Id, true), (audit.ActorName, audit.OrganizationId, audit.VisibleToCustomer));
        Assert.Equal("Registration email for 2 active licenses sent again to ted@contoso.example, billing@contoso.example.", audit.Summary);
    }

    [Fact]
    public async Task R11_an_admin_may_re_send_too()
    {
        await using var db = _fx.Db();

        Assert.Equal(1, await Registration.ResendAsync(db, _fx.Contoso.Id, null, DomainFixture.Admin));
    }

    [Fact]
    public async Task R11_a_member_re_sends_their_own_organizations_registration_and_gets_a_copy()
    {
        var member = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example");
        await using var db = _fx.Db();

        await Registration.ResendAsync(db, _fx.Contoso.Id, "ana@contoso.example", Actor.Person(member.Id, "ana@contoso.example", Roles.Customer).In(_fx.Contoso.Id, MemberRoles.Technical));

        Assert.Equal(["ana@contoso.example", "billing@contoso.example"], (await db.OutboxMessages.SingleAsync()).To);
    }

    [Fact]
    public async Task Sales_cannot_re_send_and_nothing_is_queued_or_recorded()
    {
        await using var db = _fx.Db();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Registration.ResendAsync(db, _fx.Contoso.Id, null, DomainFixture.Sales));

        Assert.Equal("Only Support staff can re-send registration emails.", refused.Message);
        await AssertNothingSentAsync();
    }

    [Fact]
    public async Task A_customer_cannot_re_send_another_organizations_registration()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var outsider = await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await using var db = _fx.Db();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Registration.ResendAsync(
            db, _fx.Contoso.Id, "olga@fabrikam.example", Actor.Person(outsider.Id, "olga@fabrikam.example", Roles.Customer)));

        Assert.Equal("Only Support staff can re-send registration emails.", refused.Message);
        await AssertNothingSentAsync();
    }

    [Fact]
    public async Task Without_active_licenses_staff_are_told_which_organization_has_none()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
        var member = await CustomerPageContext.AddMemberAsync(_fx, fabrikam, "olga@fabrikam.example");
        await using var db = _fx.Db();

        var staff = await Assert.ThrowsAsync<DomainException>(() => Registration.ResendAsync(db, fabrikam.Id, null, DomainFixture.Support));
        var customer = await Assert.ThrowsAsync<DomainException>(() => Registration.ResendAsync(
            db, fabrikam.Id, "olga@fabrikam.example", Actor.Person(member.Id, "olga@fabrikam.example", Roles.Customer).In(fabrikam.Id, MemberRoles.Technical)));

        Assert.Equal("Fabrikam Foundation has no active licenses, so there is no registration email to send.", staff.Message);
        Assert.Equal("Your organization has no active licenses to send.", customer.Message);
        await AssertNothingSentAsync();
    }

    private async Task AssertNothingSentAsync()
    {
        await using var db = _fx.Db();
        Assert.False(await db.OutboxMessages.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "registration.resent"));
    }
}
