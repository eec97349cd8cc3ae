using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Organizations;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The billing details on the organization's page: the address, tax ID and purchase-order rule quotes and invoices use,
/// changed by Owners and Billing members (saved through the domain, audited) and read by everyone else.
/// </summary>
public sealed class BillingDetailsFormTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [InlineData(MemberRoles.Owner)]
    [InlineData(MemberRoles.Billing)]
    public async Task An_owner_or_billing_member_saves_the_address_the_tax_id_and_the_purchase_order_rule(MemberRoles roles)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", roles);
        var cut = page.RenderPage<OrganizationPage>();
        Assert.Contains("United Kingdom", cut.Find("[data-testid=billing-country]").TextContent);
        Assert.False(Switch(cut).Instance.GetState(x => x.Value));

        await TypeAsync(cut, "Street address", "1 Market Street");
        await TypeAsync(cut, "Postal code", "EC1A 1BB");
        await TypeAsync(cut, "City", "London");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("gb_vat"));
        await TypeAsync(cut, "Tax ID (optional)", "GB123456789");
        await cut.InvokeAsync(() => Switch(cut).Instance.ValueChanged.InvokeAsync(true));
        await SaveButton(cut).ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("billing details are saved", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = _fx.Db();
        var stored = await db.Organizations.SingleAsync(o => o.Id == _fx.Contoso.Id);
        Assert.Equal(PostalAddress.Create("1 Market Street", "", "EC1A 1BB", "London", ""), stored.BillingAddress);
        Assert.Equal(TaxId.Create("gb_vat", "GB123456789"), stored.TaxId);
        Assert.True(stored.PurchaseOrderRequired);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "organization.billing-details-updated");
        Assert.Equal(page.Member.Id, audit.ActorUserId);
        Assert.Contains("purchase-order numbers required", audit.Summary);
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_reads_the_billing_details_but_cannot_change_them(MemberRoles roles)
    {
        var city = await _fx.AddOrganizationAsync("City of Springfield", OrganizationKind.Governmental);
        await _fx.Get<OrganizationService>().ChangeBillingDetailsAsync(city.Id,
            PostalAddress.Create("742 Evergreen Terrace", "", "", "Springfield", "OR"), TaxId.Create("us_ein", "12-3456789"), true,
            DomainFixture.CustomerIn(city.Id));
        await using var page = await CustomerPageContext.CreateAsync(_fx, city, "clerk@springfield.example", roles);

        var cut = page.RenderPage<OrganizationPage>();

        Assert.Equal("742 Evergreen Terrace", Input(cut, "Street address").GetAttribute("value"));
        Assert.NotNull(Input(cut, "Street address").GetAttribute("readonly"));
        Assert.Equal("12-3456789", Input(cut, "Tax ID (optional)").GetAttribute("value"));
        Assert.NotNull(Input(cut, "Tax ID (optional)").GetAttribute("readonly"));
        Assert.True(Switch(cut).Instance.GetState(x => x.Value));
        Assert.True(Switch(cut).Instance.ReadOnly);
        Assert.DoesNotContain(cut.FindAll("[data-testid=billing-details] button"), b => b.TextContent.Contains("Save", StringComparison.Ordinal));
        Assert.Contains("To change the billing details, you need the Billing role.",
            cut.Find("[data-testid=billing-details] [data-testid=role-required]").TextContent);
    }

    [Fact]
    public async Task A_governmental_organization_starts_with_purchase_order_numbers_required()
    {
        var city = await _fx.AddOrganizationAsync("City of Springfield", OrganizationKind.Governmental);
        await using var page = await CustomerPageContext.CreateAsync(_fx, city, "clerk@springfield.example");

        var cut = page.RenderPage<OrganizationPage>();

        Assert.True(Switch(cut).Instance.GetState(x => x.Value));
        Assert.Equal("Require a purchase-order number to accept quotes", Switch(cut).Instance.Label);
    }

    [Theory]
    [InlineData("", "London", "", "", "A billing address needs a street address.")]
    [InlineData("1 Market Street", "", "", "", "A billing address needs a city.")]
    [InlineData("1 Market Street", "London", "", "GB123456789", "Choose what kind of tax ID this is.")]
    [InlineData("1 Market Street", "London", "gb_vat", "<script>", "A tax ID is made of letters and digits (spaces, dashes, dots and slashes allowed).")]
    public async Task Bad_details_show_the_domains_message_keep_what_was_typed_and_save_nothing(
        string street, string city, string taxIdType, string taxId, string message)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<OrganizationPage>();

        await TypeAsync(cut, "Street address", street);
        await TypeAsync(cut, "City", city);
        if (taxIdType.Length > 0)
            await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(taxIdType));
        await TypeAsync(cut, "Tax ID (optional)", taxId);
        await SaveButton(cut).ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-testid=billing-error]").TextContent.Trim()));
        Assert.Equal(street, Input(cut, "Street address").GetAttribute("value") ?? "");
        Assert.Equal(city, Input(cut, "City").GetAttribute("value") ?? "");
        Assert.Equal(taxId, Input(cut, "Tax ID (optional)").GetAttribute("value") ?? "");
        await using var db = _fx.Db();
        var stored = await db.Organizations.SingleAsync(o => o.Id == _fx.Contoso.Id);
        Assert.True(stored.BillingAddress.IsEmpty);
        Assert.Null(stored.TaxId);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "organization.billing-details-updated"));
    }

    private static IRenderedComponent<MudSwitch<bool>> Switch(IRenderedComponent<OrganizationPage> cut) =>
        cut.FindComponent<MudSwitch<bool>>();

    private static IElement SaveButton(IRenderedComponent<OrganizationPage> cut) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Save billing details");

    private static IElement Input(IRenderedComponent<OrganizationPage> cut, string label) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label).Find("input");

    private static Task TypeAsync(IRenderedComponent<OrganizationPage> cut, string label, string text) =>
        Input(cut, label).ChangeAsync(new ChangeEventArgs { Value = text });
}
