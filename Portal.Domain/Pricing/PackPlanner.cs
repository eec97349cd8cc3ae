using System.Buffers;

namespace Portal.Domain.Pricing;

/// <summary>A pack the planner may choose, at the price the customer pays for one (after the discount in force).</summary>
public sealed record PlannablePack(Guid PackId, int Seats, long UnitPrice);

/// <summary>How many of one pack a plan takes.</summary>
public sealed record PlannedPack(Guid PackId, int Seats, int Quantity, long UnitPrice)
{
    public long Total => UnitPrice * Quantity;
}

/// <summary>The cheapest packs covering <see cref="SeatsNeeded"/>; <see cref="Surplus"/> seats more than needed.</summary>
public sealed record PackPlan(int SeatsNeeded, IReadOnlyList<PlannedPack> Packs)
{
    public int Seats => Packs.Sum(p => p.Seats * p.Quantity);
    public int Surplus => Seats - SeatsNeeded;
    public int PackCount => Packs.Sum(p => p.Quantity);
    public long Total => Packs.Sum(p => p.Total);
}

/// <summary>
/// The cheapest combination of seat packs covering at least N seats (docs/rules.md#seat-planning): exact, not greedy,
/// since a larger pack is not always cheaper per seat. Ties go to fewer surplus seats, then to fewer packs.
/// </summary>
public static class PackPlanner
{
    /// <summary>The most seats a plan is made for; far beyond any installation, and it keeps the search's memory small.</summary>
    public const int MaxSeats = 1_000_000;

    /// <summary>
    /// A dynamic programme over exact seat totals: the best (price, pack count) for every total up to N plus the largest
    /// pack, then the best total of at least N. No cover needs more: a plan with N + largest seats or more still covers N
    /// without one of its packs, for no more money and less surplus. O((N + largest pack) × packs) time, a few
    /// milliseconds for N = 100,000 (docs/performance.md).
    /// </summary>
    public static PackPlan Cheapest(IReadOnlyList<PlannablePack> packs, int seatsNeeded)
    {
        ArgumentNullException.ThrowIfNull(packs);
        if (seatsNeeded is < 0 or > MaxSeats)
            throw new DomainException($"Plan for between 0 and {MaxSeats:N0} users.");
        if (seatsNeeded == 0)
            return new PackPlan(0, []);
        var usable = packs.Where(p => p.Seats > 0).ToList();
        if (usable.Count == 0)
            throw new DomainException("No seat packs are on sale.");
        if (usable.Any(p => p.UnitPrice < 0))
            throw new DomainException("A pack price cannot be negative.");

        // Smallest first, so that the search stops at the first pack larger than the total; a stable sort keeps the
        // catalog's order among packs of one size.
        usable = [.. usable.OrderBy(p => p.Seats)];
        var seats = usable.Select(p => p.Seats).ToArray();
        var prices = usable.Select(p => p.UnitPrice).ToArray();
        var limit = seatsNeeded + seats[^1] - 1;
        // Rented: for 100,000 users the three tables take 1.6 MB, which as new arrays every time would go to the
        // large-object heap and cost a full collection now and then (docs/performance.md). Every entry up to the limit
        // is written before it is read, so a used array needs no clearing.
        var price = ArrayPool<long>.Shared.Rent(limit + 1);
        var count = ArrayPool<int>.Shared.Rent(limit + 1);
        var choice = ArrayPool<int>.Shared.Rent(limit + 1);
        try
        {
            price[0] = 0;
            count[0] = 0;
            choice[0] = -1;
            for (var total = 1; total <= limit; total++)
            {
                var bestPrice = long.MaxValue;
                var bestCount = 0;
                var bestChoice = -1;
                for (var index = 0; index < seats.Length; index++)
                {
                    var rest = total - seats[index];
                    if (rest < 0)
                        break;
                    var restPrice = price[rest];
                    if (restPrice == long.MaxValue)
                        continue;
                    var candidatePrice = restPrice + prices[index];
                    var candidateCount = count[rest] + 1;
                    if (candidatePrice < bestPrice || (candidatePrice == bestPrice && candidateCount < bestCount))
                    {
                        bestPrice = candidatePrice;
                        bestCount = candidateCount;
                        bestChoice = index;
                    }
                }
                price[total] = bestPrice;
                count[total] = bestCount;
                choice[total] = bestChoice;
            }

            // Some multiple of the smallest pack lies between N and N + largest - 1, so a cover is always found. Scanning
            // upwards, a later total wins only by a lower price: equal prices keep the smaller surplus.
            var best = -1;
            for (var total = seatsNeeded; total <= limit; total++)
            {
                if (price[total] != long.MaxValue && (best < 0 || price[total] < price[best]))
                    best = total;
            }

            var quantities = new int[usable.Count];
            for (var total = best; total > 0; total -= seats[choice[total]])
                quantities[choice[total]]++;
            return new PackPlan(seatsNeeded, usable
                .Select((pack, index) => new PlannedPack(pack.PackId, pack.Seats, quantities[index], pack.UnitPrice))
                .Where(p => p.Quantity > 0)
                .OrderByDescending(p => p.Seats)
                .ToList());
        }
        finally
        {
            ArrayPool<long>.Shared.Return(price);
            ArrayPool<int>.Shared.Return(count);
            ArrayPool<int>.Shared.Return(choice);
        }
    }
}
