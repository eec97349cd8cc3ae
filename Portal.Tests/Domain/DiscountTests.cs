using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Tests.Builders;
using Portal.Domain.Members;

namespace Portal.Tests.Domain;

public sealed class DiscountTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = [.. "%PDF-1.7\n"u8, .. new byte[100]];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DiscountService Discounts => _fx.Get<DiscountService>();

    [Fact]
    public async Task An_application_keeps_its_evidence_and_attachments_in_the_database()
    {
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Registered charity 1234567",
            [DiscountAttachment.FromUpload("charity.pdf", Pdf), DiscountAttachment.FromUpload("../../logo.png", Png)], DomainFixture.CustomerIn(_fx.Contoso.Id));

        await using var db = _fx.Db();
        var stored = await db.DiscountApplications.Include(a => a.Attachments).SingleAsync(a => a.Id == application.Id);
        Assert.Equal(DiscountStatus.Pending, stored.Status);
        Assert.Equal(["charity.pdf", "logo.png"], stored.Attachments.Select(a => a.FileName).Order());
        Assert.Equal(Pdf, stored.Attachments.Single(a => a.FileName == "charity.pdf").Content);
        Assert.Equal("image/png", stored.Attachments.Single(a => a.FileName == "logo.png").ContentType);
    }

    [Theory]
    [InlineData("scan.pdf", "application/pdf")]
    [InlineData("scan.png", "image/png")]
    [InlineData("scan.jpg", "image/jpeg")]
    public void Attachments_are_recognised_by_their_content(string name, string expected)
    {
        var content = expected switch { "application/pdf" => Pdf, "image/png" => Png, _ => Jpeg };

        Assert.Equal(expected, DiscountAttachment.FromUpload(name, content).ContentType);
    }

    [Fact]
    public void A_file_that_only_claims_to_be_a_pdf_is_refused()
    {
        var error = Assert.Throws<DomainException>(() => DiscountAttachment.FromUpload("invoice.pdf", "MZ\x90\0 not a pdf"u8.ToArray()));

        Assert.Contains("not a PDF, PNG or JPEG", error.Message);
    }

    [Fact]
    public void A_file_over_5_MB_is_refused_and_one_of_exactly_5_MB_is_accepted()
    {
        var exact = new byte[DiscountAttachment.MaxBytes];
        Pdf.CopyTo(exact, 0);
        var tooBig = new byte[DiscountAttachment.MaxBytes + 1];
        Pdf.CopyTo(tooBig, 0);

        Assert.Equal(DiscountAttachment.MaxBytes, DiscountAttachment.FromUpload("exact.pdf", exact).Size);
        Assert.Contains("larger than 5 MB", Assert.Throws<DomainException>(() => DiscountAttachment.FromUpload("big.pdf", tooBig)).Message);
    }

    [Fact]
    public async Task Approval_without_a_percent_uses_the_configured_default_for_the_kind()
    {
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Governmental, "City of Springfield", [], DomainFixture.CustomerIn(_fx.Contoso.Id));

        var approved = await Discounts.ApproveAsync(application.Id, percent: null, validUntil: null, "Verified", DomainFixture.Sales);

        Assert.Equal(20, approved.Percent);
        Assert.Equal(DomainFixture.Start.AddDays(365), approved.ValidUntil);
        await using var db = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, 1, 10);
        Assert.Contains("Governmental discount of 20 % approved", history.Entries[0].Summary);
    }

    [Fact]
    public async Task An_application_is_decided_exactly_once_when_two_sales_staff_press_at_the_same_moment()
    {
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Educational, "University", [], DomainFixture.CustomerIn(_fx.Contoso.Id));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                if (i % 2 == 0)
                    await Discounts.ApproveAsync(application.Id, 40, null, null, DomainFixture.Sales);
                else
                    await Discounts.DenyAsync(application.Id, "Not accredited", DomainFixture.Admin);
                return true;
            }
            catch (DomainException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(won => won));
        await using var db = _fx.Db();
        Assert.Single(await db.AuditEvents.Where(e => e.Action == "discount.approved" || e.Action == "discount.denied").ToListAsync());
        Assert.Single(await db.OutboxMessages.ToListAsync());
    }

    [Fact]
    public async Task R7_an_approval_emails_the_applicant_and_billing_members_the_percent_and_validity()
    {
        var applicant = await AddMemberAsync("ana@contoso.example", MemberRoles.Billing);
        await AddMemberAsync("bob@contoso.example", MemberRoles.Billing);
        await AddMemberAsync("ted@contoso.example", MemberRoles.Technical);
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 1234567", [], applicant);

        await Discounts.ApproveAsync(application.Id, 40, DomainFixture.Start.AddDays(180), "Welcome aboard", DomainFixture.Sales);

        await using var db = _fx.Db();
        var email = Assert.Single(await db.OutboxMessages.ToListAsync());
        Assert.Equal(["ana@contoso.example", "bob@contoso.example"], email.To);
        Assert.Equal("Your nonprofit discount is approved", email.Subject);
        Assert.Contains("40 % comes off every order placed in the portal until 28 May 2027.", email.TextBody);
        Assert.Contains("A note from our sales team: Welcome aboard", email.TextBody);
    }

    [Fact]
    public async Task A_denial_emails_the_reason_and_a_failed_decision_emails_nothing()
    {
        var applicant = await AddMemberAsync("ana@contoso.example");
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Governmental, "We are a ministry", [], applicant);

        await Assert.ThrowsAsync<DomainException>(() => Discounts.DenyAsync(application.Id, "No evidence", DomainFixture.Support));
        await Discounts.DenyAsync(application.Id, "Please attach your registration", DomainFixture.Sales);

        await using var db = _fx.Db();
        var email = Assert.Single(await db.OutboxMessages.ToListAsync());
        Assert.Contains("The reason: Please attach your registration", email.TextBody);
        Assert.Contains("&lt;", DecisionEmailHtml("<b>"));
    }

    private static string DecisionEmailHtml(string paragraph) =>
        Portal.Domain.Outbox.DecisionEmail.Compose(["a@b.example"], "s", "k", paragraph).HtmlBody!;

    private async Task<Actor> AddMemberAsync(string email, MemberRoles roles = MemberRoles.Owner)
    {
        await using var db = _fx.Db();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinAs(db, _fx.Contoso.Id, roles);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return Actor.Person(user.Id, email, Roles.Customer).In(_fx.Contoso.Id, roles);
    }

    [Fact]
    public async Task Only_sales_or_admin_decide_and_a_denial_needs_a_reason()
    {
        var application = await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity", [], DomainFixture.CustomerIn(_fx.Contoso.Id));

        var bySupport = await Assert.ThrowsAsync<DomainException>(() => Discounts.ApproveAsync(application.Id, 40, null, null, DomainFixture.Support));
        var noReason = await Assert.ThrowsAsync<DomainException>(() => Discounts.DenyAsync(application.Id, "  ", DomainFixture.Sales));

        Assert.Contains("Only Sales staff", bySupport.Message);
        Assert.Contains("reason", noReason.Message);
    }

    [Fact]
    public async Task A_second_pending_application_of_the_same_kind_is_refused()
    {
        await Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity", [], DomainFixture.CustomerIn(_fx.Contoso.Id));

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity again", [], DomainFixture.CustomerIn(_fx.Contoso.Id)));

        Assert.Contains("already have an application", error.Message);
    }
}
