using Bunit;
using MudBlazor.Services;
using Portal.Components.Dashboard;
using Portal.Domain.Licensing;

namespace Portal.Tests.Components;

public sealed class DashboardTests
{
    private static BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }

    [Fact]
    public async Task Seats_show_how_licenses_add_up_per_major_and_flag_older_majors_for_upgrade()
    {
        await using var ctx = Context();

        var cut = ctx.Render<SeatsSummary>(p => p.Add(c => c.Holdings,
            [new SeatHolding("OfficeStatus", 6, IsCurrentMajor: true, Seats: 35, Licenses: 2), new SeatHolding("OfficeStatus", 5, false, 10, 1)]));

        var items = cut.FindAll("li");
        Assert.Equal(2, items.Count);
        Assert.Contains("35 seats for OfficeStatus 6.x", items[0].TextContent);
        Assert.Contains("2 licenses added up", items[0].TextContent);
        Assert.DoesNotContain("upgrade", items[0].TextContent);
        Assert.Contains("10 seats for OfficeStatus 5.x", items[1].TextContent);
        Assert.Contains("upgrade to the current one", items[1].TextContent);
    }

    [Fact]
    public async Task Seats_without_licenses_say_what_will_appear()
    {
        await using var ctx = Context();

        var cut = ctx.Render<SeatsSummary>(p => p.Add(c => c.Holdings, []));

        Assert.Contains("holds no licenses yet", cut.Markup);
    }

    [Theory]
    [InlineData(null, "starts with your first purchase")]
    [InlineData("2027-03-01", "Included until")]
    [InlineData("2026-01-01", "Ended on 1 January 2026")]
    public async Task Support_status_reflects_the_end_date(string? end, string expected)
    {
        await using var ctx = Context();

        var cut = ctx.Render<SupportStatus>(p => p
            .Add(c => c.SupportEndsOn, end is null ? null : DateOnly.Parse(end))
            .Add(c => c.Today, new DateOnly(2026, 11, 29)));

        Assert.Contains(expected, cut.Markup);
    }

    [Fact]
    public async Task Evaluation_status_shows_days_left_and_a_pending_request()
    {
        await using var ctx = Context();

        var cut = ctx.Render<EvaluationStatus>(p => p.Add(c => c.Evaluations,
            [new EvaluationSummary("OfficeStatus", 6, new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), 5, ExtensionPending: true)]));

        Assert.Contains("5 days left, until 4 Dec 2026", cut.Markup);
        Assert.Contains("waiting for our support team", cut.Markup);
    }
}
