using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Staff.Desk;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.History;

namespace Portal.Tests.Components;

/// <summary>
/// The parts the staff desks are built from, on their own: the queue (loading, empty, pager, filters and the loader it
/// asks for each page), the case layout (what it shows while loading, when not found, pending and decided), the deny
/// form and the decision around it (ask first, one at a time, a refusal shown, the page told to reload).
/// </summary>
public sealed class StaffDeskPartsTests : IAsyncLifetime
{
    private const string UserId = "staff-1";
    private const string Email = "sales@keymetric.example";
    private BunitContext _ctx = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;
    private IRenderedComponent<MudSnackbarProvider> _snackbars = null!;

    public Task InitializeAsync()
    {
        _ctx = new BunitContext();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        var auth = _ctx.AddAuthorization();
        auth.SetAuthorized(Email);
        auth.SetRoles(Roles.Sales);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId), new Claim(ClaimTypes.Email, Email));
        _ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        _ctx.Render<MudPopoverProvider>();
        _dialogs = _ctx.Render<MudDialogProvider>();
        _snackbars = _ctx.Render<MudSnackbarProvider>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void The_queue_asks_its_loader_for_each_page_and_pages_through_the_rows()
    {
        var asked = new List<DeskPage>();
        var cut = Queue(page =>
        {
            asked.Add(page);
            return Task.FromResult(Rows(page, total: 30));
        });

        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count));
        Assert.Equal([new DeskPage(1, DeskQueue<string>.PageSize)], asked);
        Assert.Equal("Request 1", RowNames(cut)[0]);
        Assert.Equal("Requests", cut.Find("table").GetAttribute("aria-label"));
        Assert.NotNull(cut.Find("[data-testid=requests]"));
        Assert.Equal("Requests", cut.Find("h1").TextContent);
        Assert.Contains("1-25 of 30", cut.Markup);

        cut.Find("button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Request 26", "Request 27", "Request 28", "Request 29", "Request 30"], RowNames(cut)));
        Assert.Equal(new DeskPage(2, DeskQueue<string>.PageSize), asked[^1]);
        Assert.Empty(cut.FindAll("[data-testid=queue-empty]"));
    }

    [Fact]
    public void The_queue_shows_a_spinner_until_the_first_page_is_loaded_then_says_it_is_empty()
    {
        var firstPage = new TaskCompletionSource<DeskRows<string>>();
        var cut = Queue(_ => firstPage.Task);

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".mud-progress-circular[aria-label='Loading requests']")));
        Assert.Empty(cut.FindAll("[data-testid=queue-empty]"));

        cut.InvokeAsync(() => firstPage.SetResult(new DeskRows<string>([], 0)));

        cut.WaitForAssertion(() => Assert.Equal("No requests yet.", cut.Find("[data-testid=queue-empty]").TextContent));
        Assert.Empty(cut.FindAll(".mud-progress-circular"));
    }

    [Fact]
    public void An_empty_queue_under_filters_says_nothing_matches_them_under_the_desks_test_id()
    {
        var cut = Queue(_ => Task.FromResult(new DeskRows<string>([], 0)), p => p
            .Add(q => q.Filtered, true)
            .Add(q => q.EmptyTestId, "requests-empty"));

        cut.WaitForAssertion(() => Assert.Equal("No request matches these filters.", cut.Find("[data-testid=requests-empty]").TextContent));
    }

    [Fact]
    public async Task A_changed_filter_reaches_the_desk_before_the_queue_reloads_from_the_first_page()
    {
        var asked = new List<(DeskPage Page, DiscountStatus? Status, string? Search)>();
        DiscountStatus? status = null;
        string? search = null;
        var cut = Queue(page =>
        {
            asked.Add((page, status, search));
            return Task.FromResult(Rows(page, total: 30));
        }, p => p.Add(q => q.Filters, builder =>
        {
            builder.OpenComponent<DeskChoiceFilter<DiscountStatus>>(0);
            builder.AddComponentParameter(1, nameof(DeskChoiceFilter<DiscountStatus>.Label), "Status");
            builder.AddComponentParameter(2, nameof(DeskChoiceFilter<DiscountStatus>.AllText), "All statuses");
            builder.AddComponentParameter(3, nameof(DeskChoiceFilter<DiscountStatus>.ValueChanged),
                EventCallback.Factory.Create<DiscountStatus?>(this, value => status = value));
            builder.CloseComponent();
            builder.OpenComponent<DeskSearchFilter>(4);
            builder.AddComponentParameter(5, nameof(DeskSearchFilter.ValueChanged), EventCallback.Factory.Create<string?>(this, value => search = value));
            builder.CloseComponent();
        }));
        cut.WaitForAssertion(() => Assert.Equal(25, RowNames(cut).Count));
        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(new DeskPage(2, 25), asked[^1].Page));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(nameof(DiscountStatus.Denied)));

        cut.WaitForAssertion(() => Assert.Equal((new DeskPage(1, 25), DiscountStatus.Denied, (string?)null), asked[^1]));

        await cut.InvokeAsync(() => cut.FindComponent<MudTextField<string>>().Instance.ValueChanged.InvokeAsync("contoso"));

        cut.WaitForAssertion(() => Assert.Equal((new DeskPage(1, 25), DiscountStatus.Denied, "contoso"), asked[^1]));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("all"));

        cut.WaitForAssertion(() => Assert.Equal((new DeskPage(1, 25), (DiscountStatus?)null, "contoso"), asked[^1]));
    }

    [Fact]
    public void The_case_layout_shows_a_spinner_while_loading_and_a_way_back_when_there_is_no_such_request()
    {
        var loading = Case(null, "Pending");

        Assert.NotNull(loading.Find(".mud-progress-circular[aria-label='Loading the request']"));
        Assert.Equal("All requests", loading.Find("a[href='/staff/requests']").TextContent.Trim());
        Assert.Empty(loading.FindAll("h1"));

        var missing = Case(null, null, notFound: true, title: "Request not found");

        Assert.Equal("Request not found", missing.Find("h1").TextContent);
        Assert.Contains("There is no request with this id. See all requests.", missing.Find("h1 + p").TextContent);
        Assert.Equal(2, missing.FindAll("a[href='/staff/requests']").Count);
        Assert.Empty(missing.FindAll(".mud-progress-circular"));
    }

    [Fact]
    public void A_pending_case_shows_its_title_state_request_decision_form_side_and_history()
    {
        var cut = Case(new TestCase("Board meets in March", [new HistoryEntry(DateTimeOffset.UnixEpoch, "ana@contoso.example", "test.asked", "Asked for more time")]), "Pending");

        Assert.Equal("More time for Contoso", cut.Find("h1").TextContent);
        Assert.Equal("Pending", cut.Find("[data-status]").GetAttribute("data-status"));
        Assert.Equal(["The request", "Recent history of the organization"], cut.FindAll("h2").Select(h => h.TextContent));
        Assert.Equal("Board meets in March", cut.Find("[data-testid=request]").TextContent);
        Assert.Equal("Decide: Board meets in March", cut.Find("[data-testid=form]").TextContent);
        Assert.Equal("Organization", cut.Find("[data-testid=side]").TextContent);
        Assert.Equal("Asked for more time", cut.Find("ol[aria-label='Recent history of the organization'] li p").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=decision]"));
    }

    [Theory]
    [InlineData("Denied", "notice--warning")]
    [InlineData("Granted", "notice--success")]
    public void A_decided_case_shows_the_decision_instead_of_the_form(string status, string tint)
    {
        var cut = Case(new TestCase("Pilot", []), status);

        var decision = cut.Find("[data-testid=decision]");
        Assert.Equal($"{status}: Pilot", decision.TextContent.Trim());
        Assert.Contains(tint, decision.ClassList);
        Assert.Empty(cut.FindAll("[data-testid=form]"));
        Assert.Equal(status, cut.Find("[data-status]").GetAttribute("data-status"));
        Assert.Contains("Nothing is recorded for this organization yet.", cut.Markup);
    }

    [Fact]
    public void The_deny_form_refuses_an_empty_or_blank_reason_at_the_field_and_passes_a_given_one_on_once()
    {
        var reasons = new List<string>();
        var cut = _ctx.Render<DenyForm>(p => p
            .Add(f => f.Label, "Deny the request")
            .Add(f => f.OnDeny, (string reason) => reasons.Add(reason)));
        Assert.NotNull(cut.Find("form[aria-label='Deny the request']"));

        cut.Find("[data-testid=deny]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["Tell the customer why; the reason is emailed to them."], EvaluationPageTests.FieldErrors(cut)));

        cut.Find("textarea").Change("   ");
        cut.Find("[data-testid=deny]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["Tell the customer why; the reason is emailed to them."], EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(reasons);

        cut.Find("textarea").Change("Registration expired");
        cut.Find("[data-testid=deny]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["Registration expired"], reasons));
        Assert.Empty(EvaluationPageTests.FieldErrors(cut));
    }

    [Fact]
    public void A_disabled_deny_form_takes_no_reason_and_no_click()
    {
        var cut = _ctx.Render<DenyForm>(p => p
            .Add(f => f.Label, "Deny the request")
            .Add(f => f.Disabled, true)
            .Add(f => f.OnDeny, (string _) => { }));

        Assert.True(cut.Find("textarea").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=deny]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_decision_asks_first_is_made_by_the_signed_in_staff_member_with_the_note_and_tells_the_page()
    {
        var made = new List<(string What, Actor By)>();
        var decided = 0;
        var cut = Decision(made, () => decided++);

        await cut.InvokeAsync(() => NoteField(cut).Instance.ValueChanged.InvokeAsync("Welcome back"));
        cut.Find("[data-testid=approve]").Click();
        var dialog = Dialog();
        Assert.Contains("Approve for Contoso?", dialog.TextContent);
        Assert.Contains("The customer is emailed now.", dialog.TextContent);
        await ClickAsync(dialog, "Approve");

        cut.WaitForAssertion(() => Assert.Equal(1, decided));
        var (what, by) = Assert.Single(made);
        Assert.Equal("approved with the note Welcome back", what);
        Assert.Equal((UserId, Email), (by.UserId, by.Name));
        _snackbars.WaitForAssertion(() => Assert.Contains("Approved. Contoso has been emailed.", _snackbars.Markup));
    }

    [Fact]
    public async Task Cancelling_a_decision_makes_nothing_and_leaves_the_forms_usable()
    {
        var made = new List<(string What, Actor By)>();
        var decided = 0;
        var cut = Decision(made, () => decided++);
        DenyReason(cut).Change("Not eligible");

        cut.Find("[data-testid=deny]").Click();
        await ClickAsync(Dialog(), "Cancel");

        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=deny]").HasAttribute("disabled")));
        Assert.Empty(made);
        Assert.Equal(0, decided);
    }

    [Fact]
    public async Task A_refused_decision_is_shown_as_the_domains_message_and_the_page_still_reloads()
    {
        var decided = 0;
        var cut = Decision([], () => decided++, denial: _ => throw new DomainException("This request was already denied by ada@keymetric.example."));
        DenyReason(cut).Change("Not eligible");

        cut.Find("[data-testid=deny]").Click();
        await ClickAsync(Dialog(), "Deny");

        _snackbars.WaitForAssertion(() => Assert.Contains("This request was already denied by ada@keymetric.example.", _snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Equal(1, decided));
    }

    [Fact]
    public async Task While_a_decision_is_made_both_forms_are_disabled_and_no_second_one_starts()
    {
        var made = new List<(string What, Actor By)>();
        var finish = new TaskCompletionSource();
        var cut = Decision(made, () => { }, denial: reason => { made.Add(($"denied: {reason}", Actor.System)); return finish.Task; });
        DenyReason(cut).Change("Not eligible");

        cut.Find("[data-testid=deny]").Click();
        await ClickAsync(Dialog(), "Deny");

        cut.WaitForAssertion(() => Assert.Single(made));
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll(".mud-dialog")));
        Assert.True(cut.Find("[data-testid=approve]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=deny]").HasAttribute("disabled"));
        Assert.Equal("deciding: True", cut.Find("[data-testid=fields]").TextContent);
        // A click the disabled button would not pass on: the decision itself refuses to start a second one.
        await cut.InvokeAsync(() => cut.FindComponents<MudButton>().Single(b => Equals(b.Instance.UserAttributes.GetValueOrDefault("data-testid"), "approve"))
            .Instance.OnClick.InvokeAsync(new MouseEventArgs()));
        Assert.Empty(_dialogs.FindAll(".mud-dialog"));

        await cut.InvokeAsync(finish.SetResult);

        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=approve]").HasAttribute("disabled")));
        Assert.Equal("deciding: False", cut.Find("[data-testid=fields]").TextContent);
        Assert.Equal(["denied: Not eligible"], made.Select(m => m.What));
    }

    private sealed record TestCase(string Reason, IReadOnlyList<HistoryEntry> History);

    private IRenderedComponent<DeskQueue<string>> Queue(
        Func<DeskPage, Task<DeskRows<string>>> load, Action<ComponentParameterCollectionBuilder<DeskQueue<string>>>? more = null) =>
        _ctx.Render<DeskQueue<string>>(p =>
        {
            p.Add(q => q.Title, "Requests")
                .Add(q => q.Introduction, "Every request, the oldest first.")
                .Add(q => q.Label, "Requests")
                .Add(q => q.TestId, "requests")
                .Add(q => q.LoadingLabel, "Loading requests")
                .Add(q => q.EmptyText, "No requests yet.")
                .Add(q => q.NoMatchText, "No request matches these filters.")
                .Add(q => q.Load, (page, _) => load(page))
                .Add(q => q.Filters, "")
                .Add<TemplateColumn<string>>(q => q.Columns, column => column
                    .Add(c => c.Title, "Request")
                    .Add(c => c.CellTemplate, cell => $"<span class=\"request-name\">{cell.Item}</span>"));
            more?.Invoke(p);
        });

    private static DeskRows<string> Rows(DeskPage page, int total)
    {
        var first = (page.Number - 1) * page.Size;
        return new DeskRows<string>([.. Enumerable.Range(first + 1, Math.Clamp(total - first, 0, page.Size)).Select(i => $"Request {i}")], total);
    }

    private static List<string> RowNames(IRenderedComponent<DeskQueue<string>> cut) =>
        cut.FindAll("tbody .request-name").Select(e => e.TextContent).ToList();

    private IRenderedComponent<DeskCase<TestCase>> Case(
        TestCase? found, string? status, bool notFound = false, string title = "More time for Contoso") =>
        _ctx.Render<DeskCase<TestCase>>(p => p
            .Add(c => c.Case, found)
            .Add(c => c.NotFound, notFound)
            .Add(c => c.Title, title)
            .Add(c => c.Status, status)
            .Add(c => c.QueueHref, "/staff/requests")
            .Add(c => c.QueueText, "All requests")
            .Add(c => c.NotFoundText, "There is no request with this id.")
            .Add(c => c.LoadingLabel, "Loading the request")
            .Add(c => c.RequestTitle, "The request")
            .Add(c => c.Request, request => $"<p data-testid=\"request\">{request.Reason}</p>")
            .Add(c => c.DecisionForm, request => $"<div data-testid=\"form\">Decide: {request.Reason}</div>")
            .Add(c => c.Decision, request => $"{status}: {request.Reason}")
            .Add(c => c.Side, _ => "<div data-testid=\"side\">Organization</div>")
            .Add(c => c.History, request => request.History));

    private IRenderedComponent<DeskDecision> Decision(
        List<(string What, Actor By)> made, Action decided, Func<string, Task>? denial = null) =>
        _ctx.Render<DeskDecision>(p => p
            .Add(d => d.ApproveTitle, "Approve")
            .Add(d => d.ApproveLabel, "Approve the request")
            .Add(d => d.ApproveIcon, Icons.Material.Filled.Check)
            .Add(d => d.ApproveTestId, "approve")
            .Add(d => d.ApproveFields, deciding => $"<span data-testid=\"fields\">deciding: {deciding}</span>")
            .Add(d => d.Approval, note => new StaffDecision("Approve for Contoso?", "The customer is emailed now.", "Approve",
                actor =>
                {
                    made.Add(($"approved with the note {note}", actor));
                    return Task.CompletedTask;
                }, "Approved. Contoso has been emailed."))
            .Add(d => d.DenyLabel, "Deny the request")
            .Add(d => d.Denial, reason => new StaffDecision("Deny the request of Contoso?", "The customer is emailed the reason now.", "Deny",
                actor => denial is null ? Record(made, $"denied: {reason}", actor) : denial(reason), "Denied."))
            .Add(d => d.OnDecided, decided));

    private static Task Record(List<(string What, Actor By)> made, string what, Actor by)
    {
        made.Add((what, by));
        return Task.CompletedTask;
    }

    private static IRenderedComponent<MudTextField<string>> NoteField(IRenderedComponent<DeskDecision> cut) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Note to the customer (optional)");

    private static IElement DenyReason(IRenderedComponent<DeskDecision> cut) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Reason for the customer").Find("textarea");

    private IElement Dialog()
    {
        _dialogs.WaitForAssertion(() => Assert.NotEmpty(_dialogs.FindAll(".mud-dialog button")));
        return _dialogs.Find(".mud-dialog");
    }

    private static async Task ClickAsync(IElement dialog, string button) =>
        await dialog.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == button).ClickAsync(new MouseEventArgs());
}
