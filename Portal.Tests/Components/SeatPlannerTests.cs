using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Portal.Components.Buying;
using Portal.Domain.Discounts;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The cheapest packs on Buy seats (typed, or from /buy?seats=N) and on the upgrade of an older installation
/// (/upgrade?installation=id), on the real pricing and usage services: filled in, priced as any cart, and never from
/// another organization's data.
/// </summary>
public sealed class SeatPlannerTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task The_cheapest_packs_for_the_users_to_add_are_filled_in_priced_and_told()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();

        await PlanAsync(cut, 6);

        cut.WaitForAssertion(() => Assert.Contains("USD 274.00", cut.Find("[data-total]").TextContent));
        Assert.Equal("Filled in 1 × 5-user pack and 1 × 1-user pack: 6 seats for 6 users, no surplus.", Outcome(cut));
        Assert.Equal([(1, 1), (5, 1), (10, 0), (25, 0), (50, 0), (100, 0), (250, 0)], Quantities(cut));
        Assert.Contains("6 new seats", cut.Find("[data-total]").TextContent);
    }

    [Fact]
    public async Task A_plan_with_seats_to_spare_says_how_many()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();

        await PlanAsync(cut, 9);

        cut.WaitForAssertion(() => Assert.Contains("USD 420.00", cut.Find("[data-total]").TextContent));
        Assert.Equal("Filled in 1 × 10-user pack: 10 seats for 9 users, 1 seat more than you need.", Outcome(cut));
    }

    [Fact]
    public async Task R2_enabled_users_are_planned_less_the_seats_held_for_the_current_major_only()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await _fx.ReleaseAsync(7, 0);
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();

        await ChooseUsersEnabledAsync(cut);
        await PlanAsync(cut, 41);

        cut.WaitForAssertion(() => Assert.Contains("31 new seats", cut.Find("[data-total]").TextContent));
        Assert.Equal("You hold 10 seats for 7.x, so 31 more.", cut.Find("[data-testid=planner-held]").TextContent.Trim());
        Assert.Equal("Filled in 1 × 25-user pack, 1 × 5-user pack and 1 × 1-user pack: 31 seats for 31 users, no surplus.", Outcome(cut));
    }

    [Fact]
    public async Task Enabled_users_the_seats_held_already_cover_need_nothing_and_change_nothing()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        await SetQuantityAsync(cut, seats: 5, quantity: 2);
        cut.WaitForAssertion(() => Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent));

        await ChooseUsersEnabledAsync(cut);
        await PlanAsync(cut, 30);

        cut.WaitForAssertion(() => Assert.Equal(
            "You hold 35 seats for 6.x, enough for 30 enabled users: there is nothing to buy.",
            cut.Find("[data-testid=planner-held]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=planner-outcome]"));
        Assert.Contains((5, 2), Quantities(cut));
        Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent);
    }

    [Fact]
    public async Task R7_the_discount_in_force_applies_to_the_packs_filled_in()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, 40);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();

        await PlanAsync(cut, 6);

        // 225.00 + 49.00 less 40 %.
        cut.WaitForAssertion(() => Assert.Contains("USD 164.40", cut.Find("[data-total]").TextContent));
        Assert.Equal([(1, 1), (5, 1)], Quantities(cut).Where(q => q.Quantity > 0));
    }

    [Fact]
    public async Task The_quantities_filled_in_can_still_be_changed_by_hand_and_are_what_is_ordered()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        await PlanAsync(cut, 6);
        cut.WaitForAssertion(() => Assert.Contains("6 new seats", cut.Find("[data-total]").TextContent));

        await SetQuantityAsync(cut, seats: 1, quantity: 3);

        cut.WaitForAssertion(() => Assert.Contains("8 new seats", cut.Find("[data-total]").TextContent));
        cut.Find("button[data-testid=checkout]").Click();
        var order = await SingleOrderAsync();
        Assert.Equal([(1, 3), (5, 1)], order.Lines.Select(l => (l.Seats, l.Quantity)).Order());
    }

    [Theory]
    [InlineData(null, "Enter how many users.")]
    [InlineData(0, "0 users need no seats: enter how many users you need to add.")]
    [InlineData(-3, "The number of users cannot be negative.")]
    [InlineData(1_000_001, "Plans are made for at most 1,000,000 users.")]
    [InlineData(int.MaxValue, "Plans are made for at most 1,000,000 users.")]
    public async Task A_number_of_users_that_cannot_be_planned_gets_a_clear_message_and_leaves_the_cart_as_it_was(int? users, string message)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        await SetQuantityAsync(cut, seats: 10, quantity: 1);
        cut.WaitForAssertion(() => Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent));

        await PlanAsync(cut, users);

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-testid=planner-problem]").TextContent.Trim()));
        Assert.Equal([(10, 1)], Quantities(cut).Where(q => q.Quantity > 0));
        Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent);
    }

    [Fact]
    public async Task A_plan_of_more_than_one_order_holds_of_a_pack_is_shown_and_explained_but_not_filled_in()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        await SetQuantityAsync(cut, seats: 10, quantity: 1);
        cut.WaitForAssertion(() => Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent));

        await PlanAsync(cut, 30_000);

        cut.WaitForAssertion(() => Assert.Equal(
            "The cheapest packs are 120 × 250-user pack: 30,000 seats for 30,000 users, no surplus.", Outcome(cut)));
        Assert.Equal(
            "One order holds at most 100 of each pack, and so does a quote: place this as several orders. The pack fields are unchanged.",
            cut.Find("[data-testid=planner-limit]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[role=alert]"));
        Assert.Equal([(10, 1)], Quantities(cut).Where(q => q.Quantity > 0));
        Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent);
    }

    [Fact]
    public async Task A_link_for_six_seats_opens_with_the_cheapest_packs_filled_in_and_priced()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo("/buy?seats=6");

        var cut = page.RenderPage<BuySeats>();

        cut.WaitForAssertion(() => Assert.Contains("USD 274.00", cut.Find("[data-total]").TextContent));
        Assert.Equal([(1, 1), (5, 1)], Quantities(cut).Where(q => q.Quantity > 0));
        Assert.Equal(6, cut.FindComponent<MudNumericField<int?>>().Instance.GetState(f => f.Value));
        Assert.StartsWith("Filled in 1 × 5-user pack and 1 × 1-user pack", Outcome(cut));
    }

    [Theory]
    [InlineData("abc", "The link did not give the number of users as a whole number: enter it here.")]
    [InlineData("", "The link did not give the number of users as a whole number: enter it here.")]
    [InlineData("6.5", "The link did not give the number of users as a whole number: enter it here.")]
    [InlineData("1e3", "The link did not give the number of users as a whole number: enter it here.")]
    [InlineData("99999999999999999999", "The link did not give the number of users as a whole number: enter it here.")]
    [InlineData("-5", "The number of users cannot be negative.")]
    [InlineData("0", "0 users need no seats: enter how many users you need to add.")]
    [InlineData("99999999999", "Plans are made for at most 1,000,000 users.")]
    public async Task A_link_with_a_number_of_users_that_cannot_be_planned_opens_the_page_with_a_message_and_nothing_filled_in(
        string seats, string message)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/buy?seats={Uri.EscapeDataString(seats)}");

        var cut = page.RenderPage<BuySeats>();

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-testid=planner-problem]").TextContent.Trim()));
        Assert.All(Quantities(cut), q => Assert.Equal(0, q.Quantity));
        Assert.Empty(cut.FindAll("[data-total]"));
    }

    [Fact]
    public async Task R3_an_installation_on_an_older_major_arrives_with_its_installed_licenses_selected_and_the_missing_seats_at_the_current_major()
    {
        var installed = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, enabledUsers: 41, installed);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={installation.Id}");

        var cut = page.RenderPage<UpgradeLicenses>();

        cut.WaitForAssertion(() => Assert.Contains("USD 971.50", cut.Find("[data-total]").TextContent));
        Assert.Contains("6 new seats, 2 licenses upgraded, 35 seats", cut.Find("[data-total]").TextContent);
        var explained = cut.Find("[data-testid=installation-upgrade]").TextContent;
        Assert.Contains("Seats for OfficeStatus 6.x are no longer sold, so Main office server", explained);
        Assert.Contains("Upgrading the selected licenses (35 seats) and adding 6 seats covers them all.", explained);
        Assert.Equal("Add 1 × 5-user pack and 1 × 1-user pack: 6 seats for 6 users, no surplus", AddSeats(cut).Instance.Label);
        Assert.True(AddSeats(cut).Instance.GetState(c => c.Value));

        cut.Find("button[data-testid=checkout]").Click();

        var order = await SingleOrderAsync();
        Assert.Equal(installed.Select(l => (Guid?)l.Id).Order(), order.Lines.Where(l => l.Kind == LineKind.Upgrade).Select(l => l.UpgradedLicenseId).Order());
        Assert.Equal([(1, 1), (5, 1)], order.Lines.Where(l => l.Kind == LineKind.NewSeats).Select(l => (l.Seats, l.Quantity)).Order());
        Assert.Equal(DomainFixture.Usd(48_750 + 21_000 + 27_400), order.Total);
    }

    [Fact]
    public async Task The_packs_for_an_installation_follow_the_licenses_selected_and_can_be_left_out()
    {
        var installed = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, enabledUsers: 41, installed);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={installation.Id}");
        var cut = page.RenderPage<UpgradeLicenses>();
        cut.WaitForAssertion(() => Assert.Contains("6 new seats", cut.Find("[data-total]").TextContent));

        await cut.Find($"li[data-license-id='{installed[1].Id}'] input[type=checkbox]").ChangeAsync(new ChangeEventArgs { Value = false });

        cut.WaitForAssertion(() => Assert.Contains("16 new seats, 1 license upgraded, 25 seats", cut.Find("[data-total]").TextContent));
        Assert.Equal("Add 1 × 10-user pack, 1 × 5-user pack and 1 × 1-user pack: 16 seats for 16 users, no surplus", AddSeats(cut).Instance.Label);

        await cut.InvokeAsync(() => AddSeats(cut).Instance.ValueChanged.InvokeAsync(false));

        cut.WaitForAssertion(() => Assert.DoesNotContain("new seats", cut.Find("[data-total]").TextContent));
        Assert.Contains("1 license upgraded, 25 seats", cut.Find("[data-total]").TextContent);
        Assert.Contains("Without them, 16 enabled users have no seat after the upgrade.", cut.Find("[data-testid=seats-left-out]").TextContent);
    }

    [Fact]
    public async Task R2_current_major_seats_held_but_not_installed_anywhere_count_before_any_pack_is_added()
    {
        var installed = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, enabledUsers: 41, installed);
        await _fx.ReleaseAsync(7, 0);
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={installation.Id}");

        var cut = page.RenderPage<UpgradeLicenses>();

        cut.WaitForAssertion(() => Assert.Contains("2 licenses upgraded, 35 seats", cut.Find("[data-total]").TextContent));
        Assert.DoesNotContain("new seats", cut.Find("[data-total]").TextContent);
        Assert.Contains(
            "Upgrading the selected licenses (35 seats) and the 10 seats for 7.x you hold but have not installed covers them all.",
            cut.Find("[data-testid=installation-upgrade]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=add-seats]"));
    }

    [Fact]
    public async Task Another_organizations_installation_is_simply_not_found_and_nothing_of_it_is_shown()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await UploadAsync(fabrikam, enabledUsers: 41, await _fx.PurchaseAsync(fabrikam, 25), name: "Fabrikam head office");
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={theirs.Id}");

        var cut = page.RenderPage<UpgradeLicenses>();

        Assert.Contains("not among your organization's installations", cut.Find("[data-testid=installation-not-found]").TextContent);
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=installation-upgrade]"));
        Assert.Empty(cut.FindAll("[data-total]"));
        Assert.Equal([ours[0].Id.ToString()], cut.FindAll("li[data-license-id]").Select(li => li.GetAttribute("data-license-id")));
    }

    [Theory]
    [InlineData("a4d5c0de-0000-4000-8000-000000000022")]
    [InlineData("not-an-id")]
    [InlineData("")]
    public async Task An_unknown_installation_is_not_found_and_the_page_works_as_usual(string installationId)
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={installationId}");

        var cut = page.RenderPage<UpgradeLicenses>();

        Assert.NotNull(cut.Find("[data-testid=installation-not-found]"));
        Assert.Single(cut.FindAll("li[data-license-id]"));
        Assert.Empty(cut.FindAll("[data-total]"));
    }

    [Fact]
    public async Task An_installation_on_the_current_major_needs_no_upgrade_and_is_pointed_to_its_missing_seats()
    {
        var installation = await UploadAsync(_fx.Contoso, enabledUsers: 41, await _fx.PurchaseAsync(_fx.Contoso, 25, 10));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?installation={installation.Id}");

        var cut = page.RenderPage<UpgradeLicenses>();

        var note = cut.Find("[data-testid=installation-current]");
        Assert.Contains("Main office server runs OfficeStatus 6.1, the current version: it needs no upgrade.", note.TextContent);
        Assert.Equal("Buy the 6 missing seats", note.QuerySelector("a[href='/buy?seats=6']")!.TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=no-upgrades]"));
    }

    private async Task<InstallationView> UploadAsync(Organization organization, int enabledUsers, IEnumerable<License> installed, string name = "Main office server")
    {
        var report = UsageReports.For(Guid.NewGuid(), _fx.Clock.GetUtcNow().AddHours(-1)) with
        {
            InstallationName = name,
            EnabledUsers = enabledUsers,
            LicenseIds = installed.Select(l => l.Id).ToList(),
        };
        var receipt = await _fx.Get<UsageService>().UploadAsync(organization.Id, report.Bytes(), DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical));
        return receipt.Installation;
    }

    private static async Task PlanAsync(IRenderedComponent<BuySeats> cut, int? users)
    {
        await cut.InvokeAsync(() => cut.FindComponent<MudNumericField<int?>>().Instance.ValueChanged.InvokeAsync(users));
        await cut.Find("button[data-testid=fill-in]").ClickAsync(new());
    }

    private static Task ChooseUsersEnabledAsync(IRenderedComponent<BuySeats> cut) =>
        cut.Find("input[type=radio][data-testid=users-enabled]").ClickAsync(new());

    private static string Outcome(IRenderedComponent<BuySeats> cut) => cut.Find("[data-testid=planner-outcome]").TextContent.Trim();

    private static List<(int Seats, int Quantity)> Quantities(IRenderedComponent<BuySeats> cut) =>
        [.. cut.FindComponents<MudNumericField<int>>()
            .Select(f => (int.Parse(f.Instance.Label!.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture), f.Instance.GetState(x => x.Value)))
            .OrderBy(q => q.Item1)];

    private static IRenderedComponent<MudCheckBox<bool>> AddSeats(IRenderedComponent<UpgradeLicenses> cut) =>
        cut.FindComponents<MudCheckBox<bool>>().Single(c => c.Instance.Label?.StartsWith("Add ", StringComparison.Ordinal) == true);

    private static Task SetQuantityAsync(IRenderedComponent<BuySeats> cut, int seats, int quantity) =>
        cut.InvokeAsync(() => cut.FindComponents<MudNumericField<int>>()
            .Single(f => f.Instance.Label == $"{seats}-user pack").Instance.ValueChanged.InvokeAsync(quantity));

    private static NavigationManager Navigation(CustomerPageContext page) => page.Bunit.Services.GetRequiredService<NavigationManager>();

    private async Task<Order> SingleOrderAsync()
    {
        Order? order = null;
        for (var attempt = 0; attempt < 50 && order is null; attempt++)
        {
            await using var db = _fx.Db();
            order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync();
            if (order is null)
                await Task.Delay(100);
        }
        return Assert.IsType<Order>(order);
    }
}
