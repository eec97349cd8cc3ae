using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Components.Evaluations;
using Portal.Domain.Evaluations;
using Portal.Domain.Members;
using Portal.Endpoints;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The /evaluation page in each state of an evaluation, on the real domain services and database (R9).</summary>
public sealed class EvaluationPageTests
{
    private const string Reason = "Our pilot group needs another sprint to finish testing.";

    private static EvaluationService Service(DomainFixture domain) => domain.Get<EvaluationService>();

    private static Task<Evaluation> StartAsync(DomainFixture domain) =>
        Service(domain).StartAsync(domain.Contoso.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(domain.Contoso.Id));

    private static IElement Button(IRenderedComponent<EvaluationPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>The validation messages MudBlazor shows under the fields (without their character counters).</summary>
    internal static IReadOnlyList<string> FieldErrors<T>(IRenderedComponent<T> cut) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll(".mud-input-helper-text.mud-input-error > .me-auto").Select(e => e.TextContent.Trim()).ToList();

    private static string State(IRenderedComponent<EvaluationPage> cut) =>
        cut.Find("section").GetAttribute("data-evaluation-state") ?? "";

    [Fact]
    public async Task Without_an_evaluation_it_explains_the_30_days_and_offers_to_start()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Equal("none", State(cut));
        Assert.Contains("free for 30 days with up to 250 users", cut.Markup);
        Assert.Contains("evaluate each major version once", cut.Markup);
        Assert.Contains("OfficeStatus 6", cut.Find("h2").TextContent);
        Assert.Empty(cut.FindAll("a[href$='/download']"));
        Assert.NotNull(Button(cut, "Start evaluation"));
    }

    [Fact]
    public async Task Starting_asks_for_confirmation_then_starts_exactly_one_evaluation()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        Button(cut, "Start evaluation").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("can evaluate OfficeStatus 6 only once", page.Dialogs.Markup));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Start evaluation").Click();

        cut.WaitForAssertion(() => Assert.Equal("started", State(cut)), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var evaluation = await db.Evaluations.SingleAsync();
        Assert.Equal(domain.Contoso.Id, evaluation.OrganizationId);
        Assert.Equal(6, evaluation.Major);
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "evaluation.started"));
        Assert.Contains("Running: 30 days left", cut.Markup);
        Assert.Equal(EvaluationDownloads.PathFor(evaluation.Id), cut.Find("a[download]").GetAttribute("href"));
        page.Snackbars.WaitForAssertion(() => Assert.Contains("Your evaluation has started", page.Snackbars.Markup));
    }

    [Fact]
    public async Task Declining_the_confirmation_starts_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        Button(cut, "Start evaluation").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Not yet").Click();

        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));
        await using var db = domain.Db();
        Assert.False(await db.Evaluations.AnyAsync());
        Assert.Equal("none", State(cut));
    }

    [Fact]
    public async Task A_running_evaluation_shows_its_dates_days_left_key_download_and_the_extension_form()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        domain.Clock.Advance(TimeSpan.FromDays(10));
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Equal("started", State(cut));
        Assert.Contains("Running: 20 days left.", cut.Find("[data-testid=evaluation-status]").TextContent);
        Assert.Contains("29 November 2026, 10:00 UTC", cut.Markup);
        Assert.Contains("29 December 2026, 10:00 UTC", cut.Markup);
        var download = cut.Find("a[download]");
        Assert.Equal($"/evaluation/{evaluation.Id}/download", download.GetAttribute("href"));
        Assert.Contains(evaluation.Key, cut.Find("details pre").TextContent);
        Assert.NotNull(Button(cut, "Ask for more time"));
        Assert.Empty(cut.FindAll("[data-request-status]"));
    }

    [Fact]
    public async Task An_expired_evaluation_says_when_it_ended()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await StartAsync(domain);
        domain.Clock.Advance(TimeSpan.FromDays(31));
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Contains("Ended on 29 December 2026.", cut.Find("[data-testid=evaluation-status]").TextContent);
        Assert.NotNull(Button(cut, "Ask for more time"));
    }

    [Fact]
    public async Task An_invalid_extension_request_shows_messages_next_to_the_fields_and_sends_nothing()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await StartAsync(domain);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        cut.FindComponent<MudNumericField<int?>>().Find("input").Change("0");
        await Button(cut, "Ask for more time").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            var errors = FieldErrors(cut);
            Assert.Contains("Ask for between 1 and 30 days.", errors);
            Assert.Contains("Tell us why you need more time; it helps support decide.", errors);
        });
        await using var db = domain.Db();
        Assert.False(await db.Set<ExtensionRequest>().AnyAsync());
        Assert.Equal("started", State(cut));
    }

    [Fact]
    public async Task Too_many_days_are_refused_at_the_field()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await StartAsync(domain);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        cut.FindComponent<MudNumericField<int?>>().Find("input").Change("31");
        cut.FindComponent<MudTextField<string>>().Find("textarea").Change(Reason);
        await Button(cut, "Ask for more time").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(["Ask for between 1 and 30 days."], FieldErrors(cut)));
        await using var db = domain.Db();
        Assert.False(await db.Set<ExtensionRequest>().AnyAsync());
    }

    [Fact]
    public async Task A_valid_extension_request_is_sent_once_and_then_shows_as_pending()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        var cut = page.RenderPage<EvaluationPage>();

        cut.FindComponent<MudNumericField<int?>>().Find("input").Change("14");
        cut.FindComponent<MudTextField<string>>().Find("textarea").Change(Reason);
        await Button(cut, "Ask for more time").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("pending", State(cut)), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var request = await db.Set<ExtensionRequest>().SingleAsync();
        Assert.Equal(evaluation.Id, request.EvaluationId);
        Assert.Equal(14, request.DaysRequested);
        Assert.Equal(Reason, request.Reason);
        Assert.Equal(page.Member.Id, request.RequestedByUserId);
        var actor = await db.AuditEvents.Where(e => e.Action == "evaluation.extension-requested").Select(e => e.ActorName).SingleAsync();
        Assert.Equal("ana@contoso.example", actor);
        Assert.Empty(cut.FindComponents<ExtensionRequestForm>());
        page.Snackbars.WaitForAssertion(() => Assert.Contains("request for 14 more days was sent", page.Snackbars.Markup));
    }

    [Fact]
    public async Task A_pending_request_hides_the_form_and_shows_that_it_waits_for_support()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        await Service(domain).RequestExtensionAsync(domain.Contoso.Id, evaluation.Id, 21, Reason, DomainFixture.CustomerIn(domain.Contoso.Id));
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Equal("pending", State(cut));
        Assert.Empty(cut.FindComponents<ExtensionRequestForm>());
        var request = cut.Find("[data-request-status]");
        Assert.Equal("Pending", request.GetAttribute("data-request-status"));
        Assert.Contains("for 21 days", request.TextContent);
        Assert.Contains(Reason, request.TextContent);
        Assert.Contains("Waiting for a decision by our support team", request.TextContent);
    }

    [Fact]
    public async Task A_granted_request_shows_the_days_and_the_new_expiry()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        var asked = await Service(domain).RequestExtensionAsync(domain.Contoso.Id, evaluation.Id, 21, Reason, DomainFixture.CustomerIn(domain.Contoso.Id));
        domain.Clock.Advance(TimeSpan.FromDays(2));
        await Service(domain).GrantAsync(asked.Id, 14, "Enjoy the extra time.", DomainFixture.Support);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        var request = cut.Find("[data-request-status]");
        Assert.Equal("Granted", request.GetAttribute("data-request-status"));
        Assert.Contains("14 more days granted on 1 December 2026", request.TextContent);
        Assert.Contains("now runs until 12 January 2027, 10:00 UTC", request.TextContent);
        Assert.Contains("Note from support: Enjoy the extra time.", request.TextContent);
        Assert.Contains("Running: 42 days left.", cut.Find("[data-testid=evaluation-status]").TextContent);
        // Decided: the customer may ask again.
        Assert.Single(cut.FindComponents<ExtensionRequestForm>());
    }

    [Fact]
    public async Task A_denied_request_shows_the_reason()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        var asked = await Service(domain).RequestExtensionAsync(domain.Contoso.Id, evaluation.Id, 21, Reason, DomainFixture.CustomerIn(domain.Contoso.Id));
        await Service(domain).DenyAsync(asked.Id, "Three months is the longest we can offer.", DomainFixture.Support);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        var request = cut.Find("[data-request-status]");
        Assert.Equal("Denied", request.GetAttribute("data-request-status"));
        Assert.Contains("Declined on 29 November 2026: Three months is the longest we can offer.", request.TextContent);
        Assert.Equal("started", State(cut));
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_is_not_offered_the_start_and_is_told_who_can_give_the_role(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, roles: roles);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Equal("none", State(cut));
        Assert.Contains("free for 30 days with up to 250 users", cut.Markup);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Trim() == "Start evaluation");
        var note = cut.Find("[data-testid=role-required]");
        Assert.Equal("Technical", note.GetAttribute("data-role"));
        Assert.Contains("To start an evaluation, you need the Technical role.", note.TextContent);
        Assert.Equal("/organization/members", note.QuerySelector("a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_reads_a_running_evaluation_but_gets_no_key_and_no_extension_form(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await StartAsync(domain);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, roles: roles);

        var cut = page.RenderPage<EvaluationPage>();

        Assert.Equal("started", State(cut));
        Assert.Contains("Running: 30 days left.", cut.Find("[data-testid=evaluation-status]").TextContent);
        Assert.Empty(cut.FindAll("a[download]"));
        Assert.Empty(cut.FindAll("details pre"));
        Assert.DoesNotContain(evaluation.Key, cut.Markup);
        Assert.Empty(cut.FindComponents<ExtensionRequestForm>());
        Assert.Equal(
            ["To see or download the evaluation key, you need the Technical role.", "To ask for more evaluation time, you need the Technical role."],
            cut.FindAll("[data-testid=role-required]").Select(n => n.TextContent.Split('.')[0].Trim() + "."));
    }

    [Fact]
    public async Task A_technical_member_starts_the_evaluation_and_gets_its_key_and_the_extension_form()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<EvaluationPage>();

        Button(cut, "Start evaluation").Click();
        page.Dialogs.WaitForAssertion(() => Assert.NotEmpty(page.Dialogs.FindAll("button")));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Start evaluation").Click();

        cut.WaitForAssertion(() => Assert.Equal("started", State(cut)), TimeSpan.FromSeconds(5));
        await using var db = domain.Db();
        var evaluation = await db.Evaluations.SingleAsync();
        Assert.Equal(EvaluationDownloads.PathFor(evaluation.Id), cut.Find("a[download]").GetAttribute("href"));
        Assert.Contains(evaluation.Key, cut.Find("details pre").TextContent);
        Assert.Single(cut.FindComponents<ExtensionRequestForm>());
        Assert.Empty(cut.FindAll("[data-testid=role-required]"));
        Assert.Equal(page.Member.Id, await db.AuditEvents.Where(e => e.Action == "evaluation.started").Select(e => e.ActorUserId).SingleAsync());
    }
}
