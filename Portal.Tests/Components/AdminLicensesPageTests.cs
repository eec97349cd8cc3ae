using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Account;
using Portal.Components.Admin.Licensing;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>/admin/licenses: an admin grants a complimentary license, imports one bought before Portal, or imports a CSV file.</summary>
public sealed class AdminLicensesPageTests
{
    private const string Header = "organization,product,major,seats,purchased on,reference";

    private static IElement Button(IRenderedComponent<AdminLicensesPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static void ConfirmDialog(StaffPageContext page, string yes)
    {
        page.Dialogs.WaitForAssertion(() => Assert.Contains(yes, page.Dialogs.FindAll("button").Select(b => b.TextContent.Trim())));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == yes).Click();
    }

    /// <summary>Fills the form's common fields as a person would choose them (the organization as its list item's click does).</summary>
    private static async Task FillAsync(IRenderedComponent<AdminLicensesPage> cut, OrganizationChoice organization, int major, int seats)
    {
        await cut.InvokeAsync(() => cut.FindComponent<MudAutocomplete<OrganizationChoice>>().Instance.SelectOptionAsync(organization));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<int?>>().Instance.ValueChanged.InvokeAsync(major));
        cut.FindComponent<MudNumericField<int?>>().Find("input").Change(seats.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task ChooseImportAsync(IRenderedComponent<AdminLicensesPage> cut)
    {
        await cut.FindAll("label.mud-radio").Single(l => l.TextContent.Contains("Bought before Portal", StringComparison.Ordinal))
            .QuerySelector("input")!.ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindComponents<MudDatePicker>()));
    }

    private static OrganizationChoice Contoso(DomainFixture domain) => new(domain.Contoso.Id, "Contoso Ltd", "billing@contoso.example");

    private static void Upload(IRenderedComponent<AdminLicensesPage> cut, InputFileContent file) =>
        cut.FindComponents<InputFile>().Last().UploadFiles(file);

    [Fact]
    public async Task An_admin_finds_the_form_and_the_csv_import_with_its_format()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);

        var cut = page.RenderPage<AdminLicensesPage>();

        Assert.Equal("Grant and import licenses", cut.Find("h1").TextContent);
        Assert.Equal(["One license", "Import from a CSV file"], cut.FindAll("h2").Select(h => h.TextContent));
        Assert.Contains("its id, its exact name as Portal shows it, or its billing email", cut.Find("[data-testid=import-columns]").TextContent);
        Assert.Equal(LicenseImport.SampleCsv.ReplaceLineEndings("\n"), cut.Find("[data-testid=import-sample]").TextContent);
        var sample = cut.FindAll("a[download]").Single();
        Assert.Equal("license-import-sample.csv", sample.GetAttribute("download"));
        Assert.Equal(LicenseImport.SampleCsv, Uri.UnescapeDataString(sample.GetAttribute("href")!["data:text/csv;charset=utf-8,".Length..]));
    }

    [Theory]
    [InlineData(Roles.Sales, false)]
    [InlineData(Roles.Support, false)]
    [InlineData(Roles.Customer, false)]
    [InlineData(Roles.Admin, true)]
    public async Task Only_admins_may_open_the_page(string role, bool allowed)
    {
        var policy = Assert.Single(typeof(AdminLicensesPage).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>()).Policy;
        var services = new ServiceCollection().AddLogging().AddAuthorizationCore(Policies.Configure).BuildServiceProvider();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim(PortalClaimTypes.OrganizationId, Guid.NewGuid().ToString()), new Claim(PortalClaimTypes.TwoFactorEnabled, "true")], "test"));

        var result = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy!);

        Assert.Equal(Policies.Admin, policy);
        Assert.Equal(allowed, result.Succeeded);
    }

    [Fact]
    public async Task The_organization_picker_searches_the_database_by_name_or_billing_email()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam");
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();
        var picker = cut.FindComponent<MudAutocomplete<OrganizationChoice>>().Instance;

        var byName = await cut.InvokeAsync(() => picker.SearchFunc!("fabri", CancellationToken.None)!);
        var byEmail = await cut.InvokeAsync(() => picker.SearchFunc!("billing@contoso", CancellationToken.None)!);

        Assert.Equal([fabrikam.Id], byName.Select(o => o.Id));
        Assert.Equal([domain.Contoso.Id], byEmail.Select(o => o.Id));
        Assert.Equal("Fabrikam (billing@fabrikam.example)", picker.ToStringFunc!(byName.Single()));
    }

    [Fact]
    public async Task An_empty_form_shows_messages_next_to_the_fields_and_grants_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        await Button(cut, "Grant license").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            var errors = EvaluationPageTests.FieldErrors(cut);
            Assert.Contains("Choose the organization.", errors);
            Assert.Contains("Choose the major version.", errors);
            Assert.Contains("Say how many seats.", errors);
            Assert.Contains("Say why the license is granted; the customer sees it in their history.", errors);
        });
        Assert.Empty(page.Dialogs.FindAll("button"));
        await using var db = domain.Db();
        Assert.False(await db.Licenses.AnyAsync());
    }

    [Fact]
    public async Task Granting_a_complimentary_license_asks_for_confirmation_grants_it_and_says_so()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        await FillAsync(cut, Contoso(domain), major: 6, seats: 3);
        cut.Find("textarea").Change("Replacement for a lost key");
        Button(cut, "Grant license").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("Contoso Ltd gets a free OfficeStatus 6.x license for 3 seats", page.Dialogs.Markup));
        ConfirmDialog(page, "Grant license");

        page.Snackbars.WaitForAssertion(() =>
            Assert.Contains("Complimentary OfficeStatus 6.x license for 3 seats granted to Contoso Ltd.", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var license = await db.Licenses.SingleAsync();
        Assert.Equal((LicenseSource.Complimentary, 6, 3, domain.Contoso.Id), (license.Source, license.Major, license.Seats, license.OrganizationId));
        var audit = await db.AuditEvents.SingleAsync();
        Assert.Equal(page.User.Id, audit.ActorUserId);
        Assert.EndsWith("granted: Replacement for a lost key", audit.Summary);
        cut.WaitForAssertion(() => Assert.Null(cut.FindComponent<MudAutocomplete<OrganizationChoice>>().Instance.GetState(x => x.Value)));
    }

    [Fact]
    public async Task Cancelling_the_confirmation_grants_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();
        await FillAsync(cut, Contoso(domain), major: 6, seats: 3);
        cut.Find("textarea").Change("Goodwill");

        Button(cut, "Grant license").Click();
        ConfirmDialog(page, "Cancel");

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        await using var db = domain.Db();
        Assert.False(await db.Licenses.AnyAsync());
    }

    [Fact]
    public async Task Importing_one_license_records_its_original_date_and_reference_and_says_so()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        await ChooseImportAsync(cut);
        await FillAsync(cut, Contoso(domain), major: 5, seats: 10);
        await cut.InvokeAsync(() => cut.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(new DateTime(2024, 3, 1)));
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reference (optional)").Find("input").Change("INV-2024-0117");
        Button(cut, "Import license").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains(
            "Contoso Ltd's OfficeStatus 5.x license for 10 seats, bought on 2024-03-01 (reference INV-2024-0117)", page.Dialogs.Markup));
        ConfirmDialog(page, "Import license");

        page.Snackbars.WaitForAssertion(() =>
            Assert.Contains("OfficeStatus 5.x license for 10 seats imported for Contoso Ltd.", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var license = await db.Licenses.SingleAsync();
        Assert.Equal((LicenseSource.Imported, 5, 10), (license.Source, license.Major, license.Seats));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), license.IssuedAt);
        Assert.Equal("OfficeStatus 5.x license for 10 users imported (bought 2024-03-01, reference INV-2024-0117).",
            (await db.AuditEvents.SingleAsync()).Summary);
    }

    [Fact]
    public async Task Importing_a_license_twice_is_refused_in_a_snackbar()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using (var db = domain.Db())
            await domain.Get<LicensingService>().ImportAsync(db,
                new ExistingLicense(domain.Contoso.Id, domain.OfficeStatus.Id, 5, 10, new DateOnly(2024, 3, 1), null), DomainFixture.Admin);
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        await ChooseImportAsync(cut);
        await FillAsync(cut, Contoso(domain), major: 5, seats: 10);
        await cut.InvokeAsync(() => cut.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(new DateTime(2024, 3, 1)));
        Button(cut, "Import license").Click();
        ConfirmDialog(page, "Import license");

        page.Snackbars.WaitForAssertion(() => Assert.Contains("This license was already imported on 2026-11-29", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var check = domain.Db();
        Assert.Equal(1, await check.Licenses.CountAsync());
    }

    [Fact]
    public async Task A_purchase_date_in_the_future_or_missing_is_refused_next_to_the_field()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();
        await ChooseImportAsync(cut);
        await FillAsync(cut, Contoso(domain), major: 5, seats: 10);

        await Button(cut, "Import license").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("Give the date of the original purchase.", EvaluationPageTests.FieldErrors(cut)));
        await cut.InvokeAsync(() => cut.FindComponent<MudDatePicker>().Instance.DateChanged.InvokeAsync(new DateTime(2027, 1, 1)));
        await Button(cut, "Import license").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Choose a date from 2000-01-01 to today.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll("button"));
        await using var db = domain.Db();
        Assert.False(await db.Licenses.AnyAsync());
    }

    [Fact]
    public async Task Uploading_a_csv_file_and_confirming_shows_the_report_of_every_row()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();
        var csv = string.Join("\r\n", Header,
            "Contoso Ltd,officestatus,5,10,2024-03-01,INV-1",
            "Nobody Inc,officestatus,5,10,2024-03-01,",
            "billing@contoso.example,,4,2,2020-05-31,");

        Upload(cut, InputFileContent.CreateFromText(csv, "licenses.csv", contentType: "text/csv"));
        cut.WaitForAssertion(() => Assert.Contains("licenses.csv", cut.Find("[data-testid=picked-file]").TextContent));
        Button(cut, "Import licenses").Click();
        ConfirmDialog(page, "Import licenses");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=import-report]")), TimeSpan.FromSeconds(5));
        Assert.StartsWith("2 licenses imported, 1 row refused, of 3 rows. Correct the refused rows",
            Regex.Replace(cut.Find("[data-testid=import-counts]").TextContent, @"\s+", " ").Trim());
        var rows = cut.FindAll("[data-testid=import-report] tbody tr");
        Assert.Equal(["Imported", "Refused", "Imported"], rows.Select(r => r.QuerySelector("[data-outcome]")!.GetAttribute("data-outcome")));
        Assert.Contains("Unknown organization \"Nobody Inc\"", rows[1].TextContent);
        Assert.Contains("Nobody Inc,officestatus,5,10,2024-03-01,", rows[1].TextContent);
        page.Snackbars.WaitForAssertion(() => Assert.Contains("licenses.csv: 2 licenses imported, 1 row refused.", page.Snackbars.Markup));
        await using var db = domain.Db();
        Assert.Equal(2, await db.Licenses.CountAsync(l => l.Source == LicenseSource.Imported));
        Assert.Contains((await db.Licenses.Select(l => l.Id).ToListAsync()).First().ToString(), cut.Find("[data-testid=import-report]").TextContent);
    }

    [Fact]
    public async Task A_file_that_is_not_csv_is_refused_before_anything_is_read()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        Upload(cut, InputFileContent.CreateFromText(Header, "licenses.xlsx", contentType: "application/vnd.ms-excel"));

        cut.WaitForAssertion(() => Assert.Equal("licenses.xlsx is not a .csv file. Choose a CSV file.", cut.Find("[data-testid=import-problem]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=picked-file]"));
    }

    [Fact]
    public async Task A_file_larger_than_1_MB_is_refused_before_it_is_imported()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        Upload(cut, InputFileContent.CreateFromBinary(new byte[LicenseImport.MaxFileBytes + 1], "huge.csv", contentType: "text/csv"));

        cut.WaitForAssertion(() => Assert.Equal("huge.csv is larger than 1 MB. Split it into smaller files.", cut.Find("[data-testid=import-problem]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=picked-file]"));
    }

    [Fact]
    public async Task A_file_refused_as_a_whole_says_why_and_imports_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<AdminLicensesPage>();

        Upload(cut, InputFileContent.CreateFromBinary(Encoding.Latin1.GetBytes(Header + "\r\nCafé Zoë,,5,1,2024-03-01,\r\n"), "export.csv", contentType: "text/csv"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=picked-file]")));
        Button(cut, "Import licenses").Click();
        ConfirmDialog(page, "Import licenses");

        cut.WaitForAssertion(() => Assert.Contains("The file is not UTF-8 text", cut.Find("[data-testid=import-problem]").TextContent));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("export.csv was not imported", page.Snackbars.Markup));
        Assert.Empty(cut.FindAll("[data-testid=import-report]"));
        await using var db = domain.Db();
        Assert.False(await db.Licenses.AnyAsync());
    }
}
