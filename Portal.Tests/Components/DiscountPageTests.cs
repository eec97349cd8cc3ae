using System.Text;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Discounts;
using Portal.Domain.Discounts;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The /discounts page: applying with evidence and documents, and following the decision (R7).</summary>
public sealed class DiscountPageTests
{
    private const string Evidence = "Registered charity in England and Wales, number 1234567.";
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");

    private static IElement Button(IRenderedComponent<DiscountsPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>Picks files in the upload's active file input (MudFileUpload adds a fresh input after each pick).</summary>
    private static void Attach(IRenderedComponent<DiscountsPage> cut, params InputFileContent[] files) =>
        cut.FindComponents<InputFile>().Last().UploadFiles(files);

    private static IReadOnlyList<string> FileErrors(IRenderedComponent<DiscountsPage> cut) =>
        cut.FindAll("[data-testid=file-errors] p").Select(p => p.TextContent.Trim()).ToList();

    private static IReadOnlyList<string> Attached(IRenderedComponent<DiscountsPage> cut) =>
        cut.FindAll("ul[aria-label='Attached documents'] li > span").Select(s => s.TextContent.Trim()).ToList();

    [Fact]
    public async Task With_no_applications_it_says_how_to_apply_and_suggests_the_discount_of_the_organizations_kind()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var school = await domain.AddOrganizationAsync("Woodgrove School", OrganizationKind.Educational);
        await using var page = await CustomerPageContext.CreateAsync(domain, school, "it@woodgrove.example");

        var cut = page.RenderPage<DiscountsPage>();

        Assert.Contains("You have not applied for a discount yet", cut.Markup);
        Assert.Equal(DiscountKind.Educational, cut.FindComponent<MudSelect<DiscountKind?>>().Instance.GetState(x => x.Value));
        Assert.Contains("40 %", cut.Markup);
    }

    [Fact]
    public async Task A_file_that_is_not_a_pdf_png_or_jpeg_is_refused_next_to_the_upload()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();

        // Named like a PDF, but its content is not one: the type comes from the content.
        Attach(cut, InputFileContent.CreateFromText("just some notes", "certificate.pdf", contentType: "application/pdf"));

        cut.WaitForAssertion(() => Assert.Equal(["certificate.pdf is not a PDF, PNG or JPEG file."], FileErrors(cut)));
        Assert.Empty(Attached(cut));
        Assert.Equal("alert", cut.Find("[data-testid=file-errors]").GetAttribute("role"));
    }

    [Fact]
    public async Task A_file_over_5_MB_is_refused_with_a_message_not_an_error()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();
        var oversize = new byte[DiscountAttachment.MaxBytes + 1];
        Pdf.CopyTo(oversize, 0);

        Attach(cut, InputFileContent.CreateFromBinary(oversize, "scan.pdf", contentType: "application/pdf"),
            InputFileContent.CreateFromBinary(Pdf, "letter.pdf", contentType: "application/pdf"));

        cut.WaitForAssertion(() => Assert.Equal(["scan.pdf is larger than 5 MB."], FileErrors(cut)));
        Assert.Single(Attached(cut));
        Assert.StartsWith("letter.pdf", Attached(cut)[0]);
    }

    [Fact]
    public async Task A_valid_application_is_submitted_with_its_attachment_stored()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();

        cut.FindComponent<MudTextField<string>>().Find("textarea").Change(Evidence);
        Attach(cut, InputFileContent.CreateFromText("plain text", "notes.txt", contentType: "text/plain"));
        cut.WaitForAssertion(() => Assert.Equal(["notes.txt is not a PDF, PNG or JPEG file."], FileErrors(cut)));
        Attach(cut, InputFileContent.CreateFromBinary(Pdf, "registration.pdf", contentType: "application/pdf"));
        cut.WaitForAssertion(() => Assert.Single(Attached(cut)));
        await Button(cut, "Send application").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-application-status=Pending]")), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var application = await db.DiscountApplications.Include(a => a.Attachments).SingleAsync();
        Assert.Equal(charity.Id, application.OrganizationId);
        Assert.Equal(DiscountKind.Nonprofit, application.Kind);
        Assert.Equal(Evidence, application.Evidence);
        Assert.Equal(page.Member.Id, application.AppliedByUserId);
        var attachment = Assert.Single(application.Attachments);
        Assert.Equal("registration.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType);
        Assert.Equal(Pdf, attachment.Content);
        Assert.Contains("Waiting for a decision by our sales team", cut.Find("[data-application-status=Pending]").TextContent);
        Assert.Contains("registration.pdf", cut.Find("[data-application-status=Pending]").TextContent);
        // The form starts afresh.
        Assert.Empty(Attached(cut));
        Assert.Empty(FileErrors(cut));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("was sent to our sales team", page.Snackbars.Markup));
    }

    [Fact]
    public async Task Without_a_kind_and_evidence_the_form_shows_messages_and_sends_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<DiscountsPage>();

        await Button(cut, "Send application").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(
            ["Choose the discount you are applying for.", "Describe why your organization qualifies, for example your registration number."],
            EvaluationPageTests.FieldErrors(cut)));
        await using var db = domain.Db();
        Assert.False(await db.DiscountApplications.AnyAsync());
    }

    [Fact]
    public async Task A_second_pending_application_of_the_same_kind_is_refused_in_a_snackbar()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await domain.Get<DiscountService>().SubmitAsync(charity.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(charity.Id));
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");
        var cut = page.RenderPage<DiscountsPage>();

        cut.FindComponent<MudTextField<string>>().Find("textarea").Change("Again, in case the first got lost.");
        await Button(cut, "Send application").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("already have an application for this discount", page.Snackbars.Markup));
        await using var db = domain.Db();
        Assert.Equal(1, await db.DiscountApplications.CountAsync());
    }

    [Fact]
    public async Task An_approved_discount_says_it_applies_to_quotes_until_its_date()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var discounts = domain.Get<DiscountService>();
        var applied = await discounts.SubmitAsync(charity.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(charity.Id));
        await discounts.ApproveAsync(applied.Id, 40, DomainFixture.Start.AddDays(180), "Welcome aboard.", DomainFixture.Sales);
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");

        var cut = page.RenderPage<DiscountsPage>();

        var approved = cut.Find("[data-application-status=Approved]");
        Assert.Contains("Nonprofit discount: approved", approved.TextContent);
        Assert.Contains("40 % off", approved.TextContent);
        Assert.Contains("applies automatically to your quotes until 28 May 2027", approved.TextContent);
        Assert.Contains("Note from our sales team: Welcome aboard.", approved.TextContent);
        Assert.Contains("discount of 40 % applies automatically to your quotes until 28 May 2027",
            string.Join(' ', cut.Find("[data-testid=usable-discount]").TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_denied_application_shows_the_decision_note_and_an_expired_approval_says_so()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var discounts = domain.Get<DiscountService>();
        var crossGrade = await discounts.SubmitAsync(charity.Id, DiscountKind.CrossGrade, "We use a rival product.", [], DomainFixture.CustomerIn(charity.Id));
        await discounts.DenyAsync(crossGrade.Id, "We need an invoice of the product you are moving from.", DomainFixture.Sales);
        var nonprofit = await discounts.SubmitAsync(charity.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(charity.Id));
        await discounts.ApproveAsync(nonprofit.Id, 40, DomainFixture.Start.AddDays(30), null, DomainFixture.Sales);
        domain.Clock.Advance(TimeSpan.FromDays(31));
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example");

        var cut = page.RenderPage<DiscountsPage>();

        var denied = cut.Find("[data-application-status=Denied]");
        Assert.Contains("Cross-grade discount: declined", denied.TextContent);
        Assert.Contains("Note from our sales team: We need an invoice of the product you are moving from.", denied.TextContent);
        Assert.Contains("It has expired: apply again", cut.Find("[data-application-status=Approved]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=usable-discount]"));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_follows_the_applications_but_is_not_offered_the_form(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await domain.Get<DiscountService>().SubmitAsync(charity.Id, DiscountKind.Nonprofit, Evidence, [], DomainFixture.CustomerIn(charity.Id));
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "olga@fabrikam.example", roles);

        var cut = page.RenderPage<DiscountsPage>();

        Assert.Contains("Waiting for a decision by our sales team", cut.Find("[data-application-status=Pending]").TextContent);
        Assert.Empty(cut.FindComponents<DiscountApplicationForm>());
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Send application");
        var note = cut.Find("[data-testid=role-required]");
        Assert.Equal("Billing", note.GetAttribute("data-role"));
        Assert.Contains("To apply for a discount, you need the Billing role.", note.TextContent);
    }

    [Fact]
    public async Task A_billing_member_applies()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var charity = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await using var page = await CustomerPageContext.CreateAsync(domain, charity, "accounts@fabrikam.example", MemberRoles.Billing);
        var cut = page.RenderPage<DiscountsPage>();
        Assert.Empty(cut.FindAll("[data-testid=role-required]"));

        cut.FindComponent<MudTextField<string>>().Find("textarea").Change(Evidence);
        await Button(cut, "Send application").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-application-status=Pending]")), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        Assert.Equal(page.Member.Id, (await db.DiscountApplications.SingleAsync()).AppliedByUserId);
    }
}
