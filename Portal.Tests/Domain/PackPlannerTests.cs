using Portal.Domain;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// The cheapest packs for N users (docs/rules.md#seat-planning) against an exhaustive search, on random and chosen pack
/// sets: cheapest first, then fewer surplus seats, then fewer packs.
/// </summary>
public sealed class PackPlannerTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    /// <summary>OfficeStatus 6.1's packs at list price: per seat from 49.00 (1 user) down to 30.00 (250 users).</summary>
    private static readonly IReadOnlyList<PlannablePack> OfficeStatus = CatalogSeed.OfficeStatus().Packs
        .Select(p => new PlannablePack(p.Id, p.Seats, p.ListPrice.Minor)).ToList();

    [Fact]
    public void The_plan_is_as_good_as_an_exhaustive_search_on_hundreds_of_random_pack_sets()
    {
        var random = new Random(22);
        for (var round = 0; round < 600; round++)
        {
            var packs = RandomPacks(random);
            var seatsNeeded = random.Next(0, 31);

            var plan = PackPlanner.Cheapest(packs, seatsNeeded);

            var context = $"round {round}: {seatsNeeded} users, packs {string.Join(", ", packs.Select(p => $"{p.Seats}@{p.UnitPrice}"))}";
            AssertConsistent(plan, packs, seatsNeeded, context);
            Assert.True(BruteForce(packs, seatsNeeded) == Score(plan), $"{context}: planned {Score(plan)}, best {BruteForce(packs, seatsNeeded)}");
        }
    }

    [Fact]
    public void A_larger_pack_that_costs_more_per_seat_is_passed_over()
    {
        var single = Pack(1, 1_000);
        var dearFive = Pack(5, 6_000);
        var ten = Pack(10, 8_000);

        var five = PackPlanner.Cheapest([single, dearFive, ten], 5);
        var eight = PackPlanner.Cheapest([single, dearFive, ten], 8);

        Assert.Equal([(single.PackId, 5)], Quantities(five));
        Assert.Equal(5_000, five.Total);
        // Eight single seats cost 8,000, as does the 10-user pack: fewer spare seats come before fewer packs.
        Assert.Equal([(single.PackId, 8)], Quantities(eight));
        Assert.Equal((8_000, 0), (eight.Total, eight.Surplus));
    }

    [Fact]
    public void A_greedy_choice_of_the_cheapest_per_seat_pack_is_not_what_the_plan_takes()
    {
        // Per seat the 4-user pack is cheapest (25), but 6 users cost less as two 3-user packs (2 × 90) than as
        // 4 + 1 + 1 (100 + 2 × 40) or two 4-user packs (200).
        var single = Pack(1, 40);
        var three = Pack(3, 90);
        var four = Pack(4, 100);

        var plan = PackPlanner.Cheapest([single, three, four], 6);

        Assert.Equal([(three.PackId, 2)], Quantities(plan));
        Assert.Equal(180, plan.Total);
    }

    [Fact]
    public void No_users_need_no_packs()
    {
        var plan = PackPlanner.Cheapest(OfficeStatus, 0);

        Assert.Empty(plan.Packs);
        Assert.Equal((0, 0, 0, 0L), (plan.Seats, plan.Surplus, plan.PackCount, plan.Total));
    }

    [Fact]
    public void More_users_than_the_largest_pack_holds_take_several_packs()
    {
        var plan = PackPlanner.Cheapest(OfficeStatus, 600);

        Assert.Equal([(250, 2), (100, 1)], plan.Packs.Select(p => (p.Seats, p.Quantity)));
        Assert.Equal((600, 0, 1_830_000L), (plan.Seats, plan.Surplus, plan.Total));
    }

    [Fact]
    public void Nine_users_are_cheaper_on_the_10_user_pack_with_a_seat_to_spare()
    {
        var plan = PackPlanner.Cheapest(OfficeStatus, 9);

        Assert.Equal([(10, 1)], plan.Packs.Select(p => (p.Seats, p.Quantity)));
        Assert.Equal((1, 42_000L), (plan.Surplus, plan.Total));
    }

    [Fact]
    public void The_most_users_a_plan_is_made_for_are_planned()
    {
        var plan = PackPlanner.Cheapest(OfficeStatus, PackPlanner.MaxSeats);

        Assert.Equal([(250, 4_000)], plan.Packs.Select(p => (p.Seats, p.Quantity)));
        Assert.Equal(0, plan.Surplus);
    }

    [Fact]
    public void A_pack_removed_from_the_catalog_is_never_planned()
    {
        var withTen = PackPlanner.Cheapest(OfficeStatus, 10);
        var ten = OfficeStatus.Single(p => p.Seats == 10);
        Assert.Equal([(ten.PackId, 1)], Quantities(withTen));

        var withoutTen = PackPlanner.Cheapest(OfficeStatus.Where(p => p.PackId != ten.PackId).ToList(), 10);

        Assert.DoesNotContain(withoutTen.Packs, p => p.PackId == ten.PackId);
        Assert.Equal([(5, 2)], withoutTen.Packs.Select(p => (p.Seats, p.Quantity)));
        Assert.Equal(45_000, withoutTen.Total);
    }

    [Fact]
    public void A_free_pack_is_taken_and_never_more_of_it_than_needed()
    {
        var freeFive = Pack(5, 0);
        var single = Pack(1, 1_000);

        var three = PackPlanner.Cheapest([single, freeFive], 3);
        var seven = PackPlanner.Cheapest([single, freeFive], 7);

        Assert.Equal([(freeFive.PackId, 1)], Quantities(three));
        Assert.Equal((0L, 2), (three.Total, three.Surplus));
        // Two free packs leave three seats spare, but nothing is cheaper than free: price comes before surplus.
        Assert.Equal([(freeFive.PackId, 2)], Quantities(seven));
        Assert.Equal((0L, 3), (seven.Total, seven.Surplus));
    }

    [Fact]
    public void Only_free_packs_give_the_fewest_spare_seats_then_the_fewest_packs()
    {
        var single = Pack(1, 0);
        var five = Pack(5, 0);

        var plan = PackPlanner.Cheapest([single, five], 7);

        Assert.Equal([(five.PackId, 1), (single.PackId, 2)], Quantities(plan));
        Assert.Equal((0L, 0, 3), (plan.Total, plan.Surplus, plan.PackCount));
    }

    [Fact]
    public void At_the_same_price_fewer_spare_seats_win()
    {
        var two = Pack(2, 25);
        var five = Pack(5, 50);

        var plan = PackPlanner.Cheapest([five, two], 4);

        Assert.Equal([(two.PackId, 2)], Quantities(plan));
        Assert.Equal((50L, 0), (plan.Total, plan.Surplus));
    }

    [Fact]
    public void At_the_same_price_and_spare_seats_fewer_packs_win()
    {
        var single = Pack(1, 10);
        var two = Pack(2, 20);

        var plan = PackPlanner.Cheapest([single, two], 4);

        Assert.Equal([(two.PackId, 2)], Quantities(plan));
        Assert.Equal((40L, 0, 2), (plan.Total, plan.Surplus, plan.PackCount));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(PackPlanner.MaxSeats + 1)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void A_number_of_users_out_of_range_is_refused_with_the_range(int seatsNeeded)
    {
        var refused = Assert.Throws<DomainException>(() => PackPlanner.Cheapest(OfficeStatus, seatsNeeded));

        Assert.Equal("Plan for between 0 and 1,000,000 users.", refused.Message);
    }

    [Fact]
    public void Without_packs_on_sale_there_is_no_plan()
    {
        var refused = Assert.Throws<DomainException>(() => PackPlanner.Cheapest([], 5));
        var onlyEmpty = Assert.Throws<DomainException>(() => PackPlanner.Cheapest([Pack(0, 100)], 5));

        Assert.Equal("No seat packs are on sale.", refused.Message);
        Assert.Equal("No seat packs are on sale.", onlyEmpty.Message);
    }

    [Fact]
    public void A_negative_pack_price_is_refused()
    {
        var refused = Assert.Throws<DomainException>(() => PackPlanner.Cheapest([Pack(1, 100), Pack(5, -1)], 5));

        Assert.Equal("A pack price cannot be negative.", refused.Message);
    }

    [Fact]
    public async Task R7_the_plan_is_cheapest_at_the_prices_charged_with_the_discount_and_priced_the_same_as_a_cart()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 40);
        var pricing = _fx.Get<PricingService>();
        await using var db = _fx.Db();

        var plan = await pricing.PlanAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6);
        var priced = await pricing.PriceAsync(db, _fx.Contoso.Id, new Cart(_fx.OfficeStatus.Id,
            [.. plan.Packs.Select(p => new CartPack(p.PackId, p.Quantity))], []));

        Assert.Equal([(5, 1), (1, 1)], plan.Packs.Select(p => (p.Seats, p.Quantity)));
        Assert.Equal([13_500L, 2_940L], plan.Packs.Select(p => p.UnitPrice));
        Assert.Equal(priced.Total.Minor, plan.Total);
        Assert.Equal(16_440, plan.Total);
        var charged = _fx.OfficeStatus.Packs
            .Select(p => new PlannablePack(p.Id, p.Seats, p.ListPrice.Minor - PricingService.PercentOf(p.ListPrice.Minor, 40))).ToList();
        Assert.Equal(BruteForce(charged, 6), Score(plan));
    }

    [Fact]
    public async Task Without_a_discount_the_plan_is_at_list_price()
    {
        await using var db = _fx.Db();

        var plan = await _fx.Get<PricingService>().PlanAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6);

        Assert.Equal(27_400, plan.Total);
    }

    private static PlannablePack Pack(int seats, long unitPrice) => new(Guid.NewGuid(), seats, unitPrice);

    private static List<(Guid PackId, int Quantity)> Quantities(PackPlan plan) => plan.Packs.Select(p => (p.PackId, p.Quantity)).ToList();

    private static (long Price, int Surplus, int Packs) Score(PackPlan plan) => (plan.Total, plan.Surplus, plan.PackCount);

    /// <summary>
    /// One to four packs of distinct sizes from 1 to 12 seats, priced at random up to twice 100 per seat (so larger is
    /// often dearer per seat), one in eight free; sometimes a pack of 0 seats, which the planner must ignore.
    /// </summary>
    private static List<PlannablePack> RandomPacks(Random random)
    {
        var sizes = Enumerable.Range(1, 12).OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
        var packs = sizes.Select(seats => Pack(seats, random.Next(8) == 0 ? 0 : random.Next(1, seats * 200))).ToList();
        if (random.Next(10) == 0)
            packs.Add(Pack(0, random.Next(0, 100)));
        return packs;
    }

    /// <summary>
    /// Every combination of quantities, each pack from 0 to ceil(N / seats) + 1, scored by (price, surplus, pack count);
    /// the smallest score that covers N.
    /// </summary>
    private static (long Price, int Surplus, int Packs) BruteForce(IReadOnlyList<PlannablePack> packs, int seatsNeeded)
    {
        var usable = packs.Where(p => p.Seats > 0).ToList();
        var best = (Price: long.MaxValue, Surplus: int.MaxValue, Packs: int.MaxValue);
        var quantities = new int[usable.Count];
        while (true)
        {
            var seats = usable.Select((p, i) => p.Seats * quantities[i]).Sum();
            if (seats >= seatsNeeded)
            {
                var score = (usable.Select((p, i) => p.UnitPrice * quantities[i]).Sum(), seats - seatsNeeded, quantities.Sum());
                if (score.CompareTo(best) < 0)
                    best = score;
            }
            var position = 0;
            while (position < usable.Count && ++quantities[position] > (seatsNeeded + usable[position].Seats - 1) / usable[position].Seats + 1)
                quantities[position++] = 0;
            if (position == usable.Count)
                return best;
        }
    }

    /// <summary>The plan covers N with positive quantities of packs from the list only, and its sums add up.</summary>
    private static void AssertConsistent(PackPlan plan, IReadOnlyList<PlannablePack> packs, int seatsNeeded, string context)
    {
        Assert.True(plan.SeatsNeeded == seatsNeeded, context);
        Assert.True(plan.Seats >= seatsNeeded, context);
        Assert.All(plan.Packs, planned =>
        {
            var pack = packs.SingleOrDefault(p => p.PackId == planned.PackId);
            Assert.True(pack is not null && pack.Seats == planned.Seats && pack.UnitPrice == planned.UnitPrice && pack.Seats > 0, context);
            Assert.True(planned.Quantity > 0, context);
        });
        Assert.True(plan.Packs.Select(p => p.PackId).Distinct().Count() == plan.Packs.Count, context);
    }
}
