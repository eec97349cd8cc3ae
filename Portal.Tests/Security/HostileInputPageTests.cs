using System.Text;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Admin.Catalog;
using Portal.Components.Admin.Licensing;
using Portal.Components.Buying;
using Portal.Components.Customers;
using Portal.Components.Discounts;
using Portal.Components.Evaluations;
using Portal.Components.History;
using Portal.Components.Staff.Discounts;
using Portal.Components.Staff.Extensions;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;
using Portal.Tests.Components;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8 part 5 on the interactive pages (bUnit on the real services and database): what a hostile user types or
/// sends through the circuit — out-of-range, negative, non-numeric and huge numbers, text longer than the field allows
/// (a crafted change event ignores maxlength), files that lie about their type, and markup — ends in a message next to
/// the field or in a snackbar, never in an exception, and nothing is stored; markup that is stored is shown as text on
/// every page that shows it.
/// </summary>
public sealed class HostileInputPageTests : IAsyncLifetime
{
    /// <summary>Stored markup that would run if a page ever wrote it out unencoded.</summary>
    private const string Markup = "<script>alert('xss')</script><img src=x onerror=alert(1)>";

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

    /// <summary>The start of a Windows executable (MZ header, DOS stub text).</summary>
    private static readonly byte[] Exe = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, .. "This program cannot be run in DOS mode."u8];

    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private EvaluationService Evaluations => _fx.Get<EvaluationService>();
    private DiscountService Discounts => _fx.Get<DiscountService>();

    private static IElement Button<T>(IRenderedComponent<T> cut, string text) where T : IComponent =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static IReadOnlyList<string> FieldErrors<T>(IRenderedComponent<T> cut) where T : IComponent =>
        EvaluationPageTests.FieldErrors(cut);

    private static IRenderedComponent<MudNumericField<TValue>> NumericField<TValue, TPage>(IRenderedComponent<TPage> cut, string label)
        where TPage : class, IComponent =>
        cut.FindComponents<MudNumericField<TValue>>().Single(f => f.Instance.Label == label);

    [Theory]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("1e9")]
    [InlineData("99999999999")]
    [InlineData("2.5")]
    [InlineData("<script>")]
    public async Task Buy_page_quantities_stay_a_whole_number_of_packs_from_0_to_100(string typed)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        var field = NumericField<int, BuySeats>(cut, "10-user pack");

        field.Find("input").Change(typed);

        int Quantity() => field.Instance.GetState(f => f.Value);
        cut.WaitForAssertion(() => Assert.InRange(Quantity(), 0, Cart.MaxQuantityPerPack));
        if (Quantity() == 0)
            Assert.True(cut.Find("button[data-testid=checkout]").HasAttribute("disabled"));
        else
            cut.WaitForAssertion(() => Assert.Contains($"{Quantity() * 10} new seats", cut.Find("[data-total]").TextContent));
        await using var db = _fx.Db();
        Assert.False(await db.Orders.AnyAsync());
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    [InlineData("1e3")]
    public async Task An_extension_request_for_a_strange_number_of_days_is_refused_at_the_field(string typed)
    {
        await Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        cut.FindComponent<MudNumericField<int?>>().Find("input").Change(typed);
        cut.FindComponent<MudTextField<string>>().Find("textarea").Change("A second site joins the pilot.");
        await Button(cut, "Ask for more time").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotEmpty(FieldErrors(cut)));
        await using var db = _fx.Db();
        Assert.False(await db.Set<ExtensionRequest>().AnyAsync());
    }

    [Fact]
    public async Task An_extension_reason_longer_than_the_database_keeps_is_refused_with_a_message()
    {
        await Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        cut.FindComponent<MudNumericField<int?>>().Find("input").Change("10");
        cut.FindComponent<MudTextField<string>>().Find("textarea").Change(new string('x', ExtensionRequest.MaxTextLength + 1));
        await Button(cut, "Ask for more time").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Keep the reason under {ExtensionRequest.MaxTextLength} characters.", page.Snackbars.Markup));
        await using var db = _fx.Db();
        Assert.False(await db.Set<ExtensionRequest>().AnyAsync());
    }

    [Theory]
    [InlineData("setup.pdf", "application/pdf")]
    [InlineData("scan.png", "image/png")]
    [InlineData("photo.jpg", "image/jpeg")]
    public async Task A_program_renamed_to_a_document_is_refused_at_the_upload(string name, string claimedType)
    {
        var charity = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(_fx, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();

        cut.FindComponents<InputFile>().Last().UploadFiles(InputFileContent.CreateFromBinary(Exe, name, contentType: claimedType));

        cut.WaitForAssertion(() => Assert.Equal([$"{name} is not a PDF, PNG or JPEG file."],
            cut.FindAll("[data-testid=file-errors] p").Select(p => p.TextContent.Trim())));
        Assert.Empty(cut.FindAll("ul[aria-label='Attached documents'] li"));
    }

    [Fact]
    public async Task An_empty_file_is_refused_at_the_upload()
    {
        var charity = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(_fx, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();

        cut.FindComponents<InputFile>().Last().UploadFiles(InputFileContent.CreateFromBinary([], "empty.pdf", contentType: "application/pdf"));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=file-errors] p")));
        Assert.Contains("empty.pdf", cut.Find("[data-testid=file-errors] p").TextContent);
        Assert.Empty(cut.FindAll("ul[aria-label='Attached documents'] li"));
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("abc")]
    [InlineData("12,5%")]
    public async Task A_discount_percent_that_is_not_a_number_is_refused_at_the_field_and_nothing_is_decided(string typed)
    {
        var application = await ApplyAsync(Markup);
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = page.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, application.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=approve]")));

        NumericField<int?, DiscountCasePage>(cut, "Discount (%)").Find("input").Change(typed);
        cut.Find("[data-testid=approve]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.Equal(DiscountStatus.Pending, (await db.DiscountApplications.SingleAsync()).Status);
    }

    [Theory]
    [InlineData("-5", 1)]
    [InlineData("0", 1)]
    [InlineData("101", 100)]
    [InlineData("1000000", 100)]
    public async Task A_discount_percent_outside_1_to_100_is_brought_into_range_at_the_field(string typed, int shown)
    {
        var application = await ApplyAsync("RSIN 8123");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = page.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, application.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=approve]")));
        var field = NumericField<int?, DiscountCasePage>(cut, "Discount (%)");

        field.Find("input").Change(typed);

        cut.WaitForAssertion(() => Assert.Equal(shown, field.Instance.GetState(f => f.Value)));
    }

    [Fact]
    public async Task A_validity_beyond_the_longest_approval_is_refused_at_the_field()
    {
        var application = await ApplyAsync("RSIN 8123");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Sales);
        var cut = page.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, application.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=approve]")));

        await cut.InvokeAsync(() => cut.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(new DateTime(9999, 12, 31)));
        cut.Find("[data-testid=approve]").Click();

        cut.WaitForAssertion(() => Assert.Contains($"An approval is valid for at most {DiscountDefaults.MaxValidityDays} days.", FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.Equal(DiscountStatus.Pending, (await db.DiscountApplications.SingleAsync()).Status);
    }

    [Theory]
    [InlineData("99999999", "Grant at most 3650 days at a time.")]
    [InlineData("99999999999", null)]
    [InlineData("abc", null)]
    public async Task Even_an_admin_cannot_grant_a_strange_number_of_days(string typed, string? message)
    {
        var request = await AskForMoreTimeAsync("Pilot");
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.Bunit.Render<ExtensionCasePage>(p => p.Add(c => c.Id, request.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=grant]")));

        NumericField<int?, ExtensionCasePage>(cut, "Days to grant").Find("input").Change(typed);
        cut.Find("[data-testid=grant]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(FieldErrors(cut)));
        if (message is not null)
            Assert.Contains(message, FieldErrors(cut));
        Assert.Empty(page.Dialogs.FindAll(".mud-dialog"));
        await using var db = _fx.Db();
        Assert.Equal(ExtensionStatus.Pending, (await db.Set<ExtensionRequest>().SingleAsync()).Status);
    }

    [Fact]
    public async Task The_services_refuse_a_grant_longer_than_ten_years_and_notes_longer_than_the_database_keeps()
    {
        var request = await AskForMoreTimeAsync("Pilot");
        var application = await ApplyAsync("RSIN 8123");
        var tooLong = new string('x', 2001);

        var huge = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => Evaluations.GrantAsync(request.Id, int.MaxValue, null, DomainFixture.Admin));
        var longNote = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => Evaluations.GrantAsync(request.Id, 5, tooLong, DomainFixture.Support));
        var longReason = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => Evaluations.DenyAsync(request.Id, tooLong, DomainFixture.Support));
        var longDenial = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => Discounts.DenyAsync(application.Id, tooLong, DomainFixture.Sales));
        var farFuture = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() =>
            Discounts.ApproveAsync(application.Id, 20, DateTimeOffset.MaxValue, null, DomainFixture.Sales));

        Assert.Equal("Grant at most 3650 days at a time.", huge.Message);
        Assert.Equal("Keep the note under 2000 characters.", longNote.Message);
        Assert.Equal("Keep the reason under 2000 characters.", longReason.Message);
        Assert.Equal("Keep the note to the customer under 2000 characters.", longDenial.Message);
        Assert.Equal($"An approval is valid for at most {DiscountDefaults.MaxValidityDays} days.", farFuture.Message);
        await using var db = _fx.Db();
        Assert.Equal(ExtensionStatus.Pending, (await db.Set<ExtensionRequest>().SingleAsync()).Status);
        Assert.Equal(DiscountStatus.Pending, (await db.DiscountApplications.SingleAsync()).Status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1e30")]
    [InlineData("")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("99999999999999999999")]
    public async Task A_price_that_is_not_an_amount_is_refused_at_the_field_and_nothing_is_stored(string typed)
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        NumericField<decimal?, CatalogPage>(cut, "10-user pack price").Find("input").Change(typed);

        if (typed.Length > 0)
            cut.WaitForAssertion(() => Assert.NotEmpty(FieldErrors(cut)));
        Assert.True(cut.Find("button[aria-label='Save the 10-user pack price']").HasAttribute("disabled"));
        await using var db = _fx.Db();
        Assert.Equal(DomainFixture.Usd(42_000), (await db.Products.Include(p => p.Packs).SingleAsync()).Packs.Single(p => p.Seats == 10).ListPrice);
    }

    [Fact]
    public async Task A_program_renamed_to_csv_is_refused_and_imports_nothing()
    {
        await using var page = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        cut.FindComponents<InputFile>().Last().UploadFiles(InputFileContent.CreateFromBinary(Exe, "licenses.csv", contentType: "text/csv"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=picked-file]")));
        Button(cut, "Import licenses").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        await page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Import licenses").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("not UTF-8 text", cut.Find("[data-testid=import-problem]").TextContent));
        await using var db = _fx.Db();
        Assert.False(await db.Licenses.AnyAsync());
    }

    [Fact]
    public async Task Stored_markup_is_shown_as_text_on_every_page_that_shows_it()
    {
        var charity = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var application = await Discounts.SubmitAsync(charity.Id, DiscountKind.Nonprofit, Markup,
            [DiscountAttachment.FromUpload("<img src=x onerror=alert(1)>.pdf", Pdf)], DomainFixture.CustomerIn(charity.Id));
        await Discounts.DenyAsync(application.Id, Markup, DomainFixture.Sales);
        var evaluation = await Evaluations.StartAsync(charity.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(charity.Id));
        var request = await Evaluations.RequestExtensionAsync(charity.Id, evaluation.Id, 10, Markup, DomainFixture.CustomerIn(charity.Id));
        await Evaluations.DenyAsync(request.Id, Markup, DomainFixture.Support);

        await using var customer = await CustomerPageContext.CreateAsync(_fx, charity, "olga@fabrikam.example");
        await using var admin = await StaffPageContext.CreateAsync(_fx, Roles.Admin);
        var pages = new List<(string Path, IRenderedComponent<IComponent> Cut)>
        {
            ("/evaluation", customer.RenderPage<EvaluationPage>()),
            ("/discounts", customer.RenderPage<DiscountsPage>()),
            ("/history", customer.RenderPage<LicenseHistory>()),
            ("/staff/discounts/{id}", admin.Bunit.Render<DiscountCasePage>(p => p.Add(c => c.Id, application.Id))),
            ("/staff/extensions/{id}", admin.Bunit.Render<ExtensionCasePage>(p => p.Add(c => c.Id, request.Id))),
            ("/staff/customers/{id}", admin.Bunit.Render<CustomerPage>(p => p.Add(c => c.OrganizationId, charity.Id))),
            ("/admin/audit", admin.RenderPage<AuditLogPage>()),
        };

        Assert.All(pages, page =>
        {
            // The text is there to read...
            page.Cut.WaitForAssertion(() => Assert.Contains("<script>alert('xss')</script>", string.Concat(page.Cut.Nodes.Select(n => n.TextContent))));
            // ...and no element came of it: no script, no element with an event handler, nothing that loads "x".
            Assert.Empty(page.Cut.FindAll("script"));
            Assert.Empty(page.Cut.FindAll("[onerror]"));
            Assert.Empty(page.Cut.FindAll("img[src=x]"));
        });
    }

    private async Task<DiscountApplication> ApplyAsync(string evidence)
    {
        var charity = await _fx.AddOrganizationAsync($"Charity {Guid.NewGuid():N}"[..20], OrganizationKind.Nonprofit);
        return await Discounts.SubmitAsync(charity.Id, DiscountKind.Nonprofit, evidence, [], DomainFixture.CustomerIn(charity.Id));
    }

    private async Task<ExtensionRequest> AskForMoreTimeAsync(string reason)
    {
        var evaluation = await Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        return await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, reason, DomainFixture.CustomerIn(_fx.Contoso.Id));
    }
}
