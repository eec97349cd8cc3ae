using System.Globalization;
using Portal.Domain.Pricing;

namespace Portal.Components.Buying;

/// <summary>A plan of packs in the words Buy seats and Upgrade licenses use.</summary>
public static class PackPlanText
{
    /// <summary>"1 × 10-user pack and 1 × 1-user pack: 11 seats for 11 users, no surplus".</summary>
    public static string Describe(PackPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var packs = plan.Packs.Select(p => $"{p.Quantity.ToString("N0", CultureInfo.InvariantCulture)} × {p.Seats}-user pack").ToList();
        var listed = packs.Count == 1 ? packs[0] : $"{string.Join(", ", packs[..^1])} and {packs[^1]}";
        var surplus = plan.Surplus == 0 ? "no surplus" : $"{Count(plan.Surplus, "seat")} more than you need";
        return $"{listed}: {Count(plan.Seats, "seat")} for {Count(plan.SeatsNeeded, "user")}, {surplus}";
    }

    /// <summary>Whether one order (or quote) can hold the plan: at most <see cref="Cart.MaxQuantityPerPack"/> of each pack.</summary>
    public static bool FitsOneOrder(PackPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Packs.All(p => p.Quantity <= Cart.MaxQuantityPerPack);
    }

    /// <summary>Why a plan that does not fit is only shown.</summary>
    public static string OneOrderLimit =>
        $"One order holds at most {Cart.MaxQuantityPerPack} of each pack, and so does a quote: place this as several orders.";

    /// <summary>"1 seat", "30,000 seats".</summary>
    public static string Count(int count, string noun) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {noun.ToQuantity(count, ShowQuantityAs.None)}";
}
