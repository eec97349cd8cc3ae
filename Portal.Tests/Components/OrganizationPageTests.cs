using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Organizations;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The /organization page: the profile members with the Billing role edit (validated, saved, audited) and everyone else
/// reads, and the way to the members page.
/// </summary>
public sealed class OrganizationPageTests
{
    private static IElement Button(IRenderedComponent<OrganizationPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static IElement NameInput(IRenderedComponent<OrganizationPage> cut) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Name").Find("input");

    private static IElement EmailInput(IRenderedComponent<OrganizationPage> cut) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Billing email").Find("input");

    [Fact]
    public async Task Shows_the_profile_the_members_roles_and_the_way_to_the_members()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "bob@contoso.example");
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, roles: MemberRoles.Billing | MemberRoles.Technical);

        var cut = page.RenderPage<OrganizationPage>();

        Assert.Equal("Contoso Ltd", NameInput(cut).GetAttribute("value"));
        Assert.Equal("billing@contoso.example", EmailInput(cut).GetAttribute("value"));
        Assert.Equal(OrganizationKind.Commercial, cut.FindComponent<MudSelect<OrganizationKind>>().Instance.GetState(x => x.Value));
        Assert.Equal("GB", cut.FindComponent<MudAutocomplete<Country>>().Instance.GetState(x => x.Value)?.Code);
        Assert.Contains("Your roles here: Billing, Technical.", cut.Find("[data-testid=your-roles]").TextContent);
        var members = cut.Find("a[data-testid=members-link]");
        Assert.Equal("/organization/members", members.GetAttribute("href"));
        Assert.Contains("See the 2 members of your organization and their roles", members.TextContent);
        Assert.Null(NameInput(cut).GetAttribute("readonly"));
        Assert.NotNull(Button(cut, "Save profile"));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_reads_the_profile_but_cannot_change_it(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, roles: roles);

        var cut = page.RenderPage<OrganizationPage>();

        Assert.Equal("Contoso Ltd", NameInput(cut).GetAttribute("value"));
        Assert.NotNull(NameInput(cut).GetAttribute("readonly"));
        Assert.NotNull(EmailInput(cut).GetAttribute("readonly"));
        Assert.True(cut.FindComponent<MudForm>().Instance.ReadOnly);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Save profile");
        var note = cut.Find("[data-testid=role-required]");
        Assert.Equal("Billing", note.GetAttribute("data-role"));
        Assert.Contains("To change the profile, you need the Billing role.", note.TextContent);
        Assert.Contains("An owner of your organization", note.TextContent);
    }

    [Fact]
    public async Task Invalid_input_shows_messages_next_to_the_fields_and_saves_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<OrganizationPage>();

        NameInput(cut).Change("   ");
        EmailInput(cut).Change("not-an-address");
        await Button(cut, "Save profile").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(
            ["Your organization needs a name.", "Enter an email address such as billing@example.com."],
            EvaluationPageTests.FieldErrors(cut)));
        await using var db = domain.Db();
        var stored = await db.Organizations.SingleAsync(o => o.Id == domain.Contoso.Id);
        Assert.Equal("Contoso Ltd", stored.Name);
        Assert.Equal("billing@contoso.example", stored.BillingEmail);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "organization.profile-updated"));
    }

    [Fact]
    public async Task Saving_stores_the_profile_records_who_changed_what_and_confirms_in_a_snackbar()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<OrganizationPage>();

        NameInput(cut).Change("Contoso Facilities Ltd");
        EmailInput(cut).Change("accounts@contoso.example");
        // Choosing from the country list as the list item's click does (typing into the list needs the browser's events).
        var countryField = cut.FindComponent<MudAutocomplete<Country>>();
        await cut.InvokeAsync(() => countryField.Instance.SelectOptionAsync(Countries.Find("NL")!));
        cut.WaitForAssertion(() => Assert.Equal("NL", cut.FindComponent<MudAutocomplete<Country>>().Instance.GetState(x => x.Value)?.Code));
        await Button(cut, "Save profile").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("profile is saved", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var stored = await db.Organizations.SingleAsync(o => o.Id == domain.Contoso.Id);
        Assert.Equal("Contoso Facilities Ltd", stored.Name);
        Assert.Equal("accounts@contoso.example", stored.BillingEmail);
        Assert.Equal("NL", stored.CountryCode);
        Assert.Equal(OrganizationKind.Commercial, stored.Kind);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "organization.profile-updated");
        Assert.Equal(page.Member.Id, audit.ActorUserId);
        Assert.Equal(domain.Contoso.Id, audit.OrganizationId);
        Assert.Contains("name from \"Contoso Ltd\" to \"Contoso Facilities Ltd\"", audit.Summary);
        Assert.Contains("country from United Kingdom to Netherlands", audit.Summary);
    }

    [Fact]
    public async Task A_billing_member_saves_the_profile()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<OrganizationPage>();
        Assert.Empty(cut.FindAll("[data-testid=role-required]"));

        EmailInput(cut).Change("invoices@contoso.example");
        await Button(cut, "Save profile").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("profile is saved", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        Assert.Equal("invoices@contoso.example", (await db.Organizations.SingleAsync(o => o.Id == domain.Contoso.Id)).BillingEmail);
        Assert.Equal(page.Member.Id, (await db.AuditEvents.SingleAsync(e => e.Action == "organization.profile-updated")).ActorUserId);
    }

    [Fact]
    public async Task Saving_without_changes_says_so_and_records_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<OrganizationPage>();

        await Button(cut, "Save profile").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("Nothing has changed", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "organization.profile-updated"));
    }
}
