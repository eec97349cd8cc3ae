using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// An organization's billing details (docs/rules.md#quotes-and-invoices): the billing address and tax ID printed on
/// quotes and invoices, validated with clear messages and kept by Owners and Billing members or taken from a checkout;
/// whether accepting a quote needs a purchase-order number (governmental organizations start with it); and keys on
/// invoice, which only sales decides, with a reason only staff see.
/// </summary>
public sealed class BillingDetailsTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private OrganizationService Organizations => _fx.Get<OrganizationService>();

    private Guid Contoso => _fx.Contoso.Id;

    private static readonly TaxId VatNumber = TaxId.Create("gb_vat", "GB123456789")!;

    private async Task<Organization> StoredAsync()
    {
        await using var db = _fx.Db();
        return await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == Contoso);
    }

    private async Task<List<AuditEvent>> AuditAsync(string action)
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    // Address and tax ID

    [Theory]
    [InlineData("", "", "SW1A 1AA", "London", "", "A billing address needs a street address.")]
    [InlineData("1 Procurement Way", "", "SW1A 1AA", " ", "", "A billing address needs a city.")]
    [InlineData("201", "", "", "London", "", "An address line can have at most 200 characters.")]
    [InlineData("1 Procurement Way", "201", "", "London", "", "An address line can have at most 200 characters.")]
    [InlineData("1 Procurement Way", "", "101", "London", "", "A postal code, city or region can have at most 100 characters.")]
    [InlineData("1 Procurement Way", "", "", "101", "", "A postal code, city or region can have at most 100 characters.")]
    [InlineData("1 Procurement Way", "", "", "London", "101", "A postal code, city or region can have at most 100 characters.")]
    public void An_incomplete_or_too_long_address_is_refused_with_a_clear_message(
        string line1, string line2, string postalCode, string city, string region, string message)
    {
        // A part written as a number stands for that many characters.
        static string Part(string value) => int.TryParse(value, out var length) ? new string('a', length) : value;

        var refused = Assert.Throws<DomainException>(() => PostalAddress.Create(Part(line1), Part(line2), Part(postalCode), Part(city), Part(region)));

        Assert.Equal(message, refused.Message);
    }

    [Fact]
    public void An_address_is_kept_trimmed_printed_with_its_country_and_a_blank_one_is_none()
    {
        var address = PostalAddress.Create(" 1 Procurement Way ", "", " SW1A 1AA", "London ", null);

        Assert.Equal(("1 Procurement Way", "", "SW1A 1AA", "London", ""), (address.Line1, address.Line2, address.PostalCode, address.City, address.Region));
        Assert.Equal(["1 Procurement Way", "SW1A 1AA London", Countries.Find("GB")!.Name], address.Lines("GB"));
        Assert.Equal("1 Procurement Way, SW1A 1AA, London", address.ToString());
        Assert.Same(PostalAddress.None, PostalAddress.Create(" ", null, "", null, "  "));
        Assert.True(PostalAddress.None.IsEmpty);
        Assert.Empty(PostalAddress.None.Lines("GB"));
    }

    [Theory]
    [InlineData("xx_vat", "DE123456789", "Choose what kind of tax ID this is.")]
    [InlineData(null, "DE123456789", "Choose what kind of tax ID this is.")]
    [InlineData("eu_vat", "DE1234567890123456789012345678901234567890123456789", "A tax ID can have at most 50 characters.")]
    [InlineData("eu_vat", "DEUTSCHLAND", "A tax ID is made of letters and digits (spaces, dashes, dots and slashes allowed).")]
    [InlineData("eu_vat", "DE123456789;", "A tax ID is made of letters and digits (spaces, dashes, dots and slashes allowed).")]
    public void A_tax_id_of_an_unknown_kind_too_long_or_not_made_of_letters_and_digits_is_refused(string? type, string value, string message)
    {
        var refused = Assert.Throws<DomainException>(() => TaxId.Create(type, value));

        Assert.Equal(message, refused.Message);
    }

    [Fact]
    public void A_tax_id_is_kept_trimmed_with_its_kind_a_blank_one_is_none_and_every_kinds_example_is_accepted()
    {
        var swiss = TaxId.Create("ch_vat", "  CHE-123.456.789 MWST ");

        Assert.Equal(("ch_vat", "CHE-123.456.789 MWST", "Swiss VAT number CHE-123.456.789 MWST"), (swiss!.Type, swiss.Value, swiss.ToString()));
        Assert.Null(TaxId.Create(null, "  "));
        Assert.Null(TaxId.Create("eu_vat", null));
        Assert.All(TaxId.Types, type => Assert.Equal(type.Example, TaxId.Create(type.Code, type.Example)?.Value));
    }

    // Purchase orders

    [Theory]
    [InlineData(OrganizationKind.Governmental, true)]
    [InlineData(OrganizationKind.Commercial, false)]
    [InlineData(OrganizationKind.Nonprofit, false)]
    [InlineData(OrganizationKind.Educational, false)]
    public void A_governmental_organization_starts_requiring_purchase_order_numbers_and_others_do_not(OrganizationKind kind, bool required)
    {
        var organization = Organization.Register("Springfield", kind, "US", "billing@springfield.example", DomainFixture.Start);

        Assert.Equal(required, organization.PurchaseOrderRequired);
        Assert.False(organization.KeysOnInvoice);
        Assert.True(organization.BillingAddress.IsEmpty);
        Assert.Null(organization.TaxId);
    }

    // Changing the billing details

    [Fact]
    public async Task A_billing_member_changes_the_billing_details_once_in_the_history_and_the_same_details_change_nothing()
    {
        var billing = QuoteBuilder.BillingMember(Contoso);

        var changed = await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, VatNumber, purchaseOrderRequired: true, billing);
        var same = await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, VatNumber, purchaseOrderRequired: true, billing);
        var cleared = await Organizations.ChangeBillingDetailsAsync(Contoso, PostalAddress.None, null, purchaseOrderRequired: false, billing);

        Assert.Equal((true, false, true), (changed, same, cleared));
        var stored = await StoredAsync();
        Assert.Equal((true, null, false), (stored.BillingAddress.IsEmpty, stored.TaxId, stored.PurchaseOrderRequired));
        Assert.Equal([
            "Billing details changed: billing address 1 Procurement Way, Floor 2, SW1A 1AA, London; tax ID UK VAT number GB123456789; "
            + "purchase-order numbers required on quotes.",
            "Billing details changed: billing address removed; tax ID removed; purchase-order numbers optional on quotes.",
        ], (await AuditAsync("organization.billing-details-updated")).Select(e => e.Summary));
    }

    [Fact]
    public async Task The_stored_billing_details_are_those_quotes_are_addressed_to()
    {
        await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, VatNumber, purchaseOrderRequired: false, QuoteBuilder.BillingMember(Contoso));

        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        Assert.Equal((QuoteBuilder.Address, VatNumber), (quote.BillingAddress, quote.TaxId));
    }

    [Fact]
    public async Task Only_owners_billing_members_and_admins_change_the_billing_details()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        var technical = await Assert.ThrowsAsync<DomainException>(() => Organizations.ChangeBillingDetailsAsync(
            Contoso, QuoteBuilder.Address, null, false, DomainFixture.CustomerIn(Contoso, MemberRoles.Technical)));
        var outsider = await Assert.ThrowsAsync<DomainException>(() => Organizations.ChangeBillingDetailsAsync(
            Contoso, QuoteBuilder.Address, null, false, DomainFixture.CustomerIn(fabrikam.Id)));
        var sales = await Assert.ThrowsAsync<DomainException>(() => Organizations.ChangeBillingDetailsAsync(
            Contoso, QuoteBuilder.Address, null, false, DomainFixture.Sales));
        Assert.True((await StoredAsync()).BillingAddress.IsEmpty);

        Assert.True(await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, null, false, DomainFixture.CustomerIn(Contoso)));
        Assert.True(await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, VatNumber, false, DomainFixture.Admin));

        Assert.Equal("Only members with the Billing or Owner role can change the organization's billing details. Ask an owner of your organization for it.",
            technical.Message);
        Assert.Equal("Only members of the organization can change the organization's billing details.", outsider.Message);
        Assert.Equal(outsider.Message, sales.Message);
        Assert.Equal(VatNumber, (await StoredAsync()).TaxId);
    }

    [Fact]
    public async Task A_checkout_that_collected_a_billing_address_and_tax_id_gives_them_to_the_organization_once_in_its_history()
    {
        var order = await _fx.Order().Packs((10, 1)).PlaceAsync();
        var collected = new CollectedBillingDetails(QuoteBuilder.Address, VatNumber);
        var door = _fx.Get<PaymentEventService>();

        var paid = await door.HandleAsync(PaymentReports.Paid(order, eventId: "evt_completed") with { Billing = collected });
        var again = await door.HandleAsync(PaymentReports.Paid(order, eventId: "evt_async") with
        {
            Billing = new CollectedBillingDetails(PostalAddress.Create("2 Other Street", null, null, "Leeds", null), null),
        });

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (paid.Outcome, again.Outcome));
        var stored = await StoredAsync();
        Assert.Equal((QuoteBuilder.Address, VatNumber), (stored.BillingAddress, stored.TaxId));
        var audit = Assert.Single(await AuditAsync("organization.billing-details-updated"));
        Assert.Equal("Billing details taken from checkout: 1 Procurement Way, Floor 2, SW1A 1AA, London; UK VAT number GB123456789.", audit.Summary);
        Assert.True(audit.VisibleToCustomer);
    }

    [Fact]
    public async Task A_checkout_that_collected_only_a_tax_id_keeps_the_address_and_one_that_collected_nothing_changes_nothing()
    {
        await Organizations.ChangeBillingDetailsAsync(Contoso, QuoteBuilder.Address, null, false, DomainFixture.CustomerIn(Contoso));
        var door = _fx.Get<PaymentEventService>();
        var first = await _fx.Order().Packs((10, 1)).PlaceAsync();
        var second = await _fx.Order().Packs((5, 1)).PlaceAsync();

        await door.HandleAsync(PaymentReports.Paid(first) with { Billing = new CollectedBillingDetails(PostalAddress.None, VatNumber) });
        await door.HandleAsync(PaymentReports.Paid(second) with { Billing = new CollectedBillingDetails(PostalAddress.None, null) });

        var stored = await StoredAsync();
        Assert.Equal((QuoteBuilder.Address, VatNumber), (stored.BillingAddress, stored.TaxId));
        Assert.Equal(2, (await AuditAsync("organization.billing-details-updated")).Count);
    }

    // Keys on invoice

    [Fact]
    public async Task Sales_trusts_an_organization_with_keys_on_invoice_with_a_reason_only_staff_see()
    {
        var trusted = await Organizations.TrustWithKeysOnInvoiceAsync(Contoso, true, " Paid 12 invoices on time ", DomainFixture.Sales);
        var already = await Organizations.TrustWithKeysOnInvoiceAsync(Contoso, true, "Again", DomainFixture.Sales);
        var withdrawn = await Organizations.TrustWithKeysOnInvoiceAsync(Contoso, false, "Invoice 2026-118 unpaid", DomainFixture.Admin);

        Assert.Equal((true, false, true), (trusted, already, withdrawn));
        Assert.False((await StoredAsync()).KeysOnInvoice);
        var granted = Assert.Single(await AuditAsync("organization.keys-on-invoice"));
        var ended = Assert.Single(await AuditAsync("organization.keys-on-payment"));
        Assert.Equal(("Paid 12 invoices on time", false), (granted.Details, granted.VisibleToCustomer));
        Assert.Equal(("Invoice 2026-118 unpaid", false), (ended.Details, ended.VisibleToCustomer));
        await using var db = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(db, Contoso, 1, 50);
        Assert.DoesNotContain(history.Entries, e => e.Action.StartsWith("organization.keys-on-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_on_invoice_is_stored_for_the_organization()
    {
        await Organizations.TrustWithKeysOnInvoiceAsync(Contoso, true, "Framework agreement", DomainFixture.Sales);

        Assert.True((await StoredAsync()).KeysOnInvoice);
    }

    [Theory]
    [InlineData("  ", "Give the reason; it goes into the organization's history.")]
    [InlineData("251", "Keep the reason to 250 characters: it goes into the organization's history.")]
    public async Task Keys_on_invoice_need_a_reason_that_fits_the_history(string reason, string message)
    {
        var why = int.TryParse(reason, out var length) ? new string('r', length) : reason;

        var refused = await Assert.ThrowsAsync<DomainException>(() => Organizations.TrustWithKeysOnInvoiceAsync(Contoso, true, why, DomainFixture.Sales));

        Assert.Equal(message, refused.Message);
        Assert.False((await StoredAsync()).KeysOnInvoice);
    }

    [Theory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Customer)]
    public async Task Only_sales_and_admins_decide_keys_on_invoice(string role)
    {
        var actor = Actor.Person("someone-1", "someone@example.com", role).In(Contoso, MemberRoles.Owner);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Organizations.TrustWithKeysOnInvoiceAsync(Contoso, true, "Trust me", actor));

        Assert.Equal("Only Sales staff can decide which organizations get keys on invoice.", refused.Message);
        Assert.False((await StoredAsync()).KeysOnInvoice);
    }
}
