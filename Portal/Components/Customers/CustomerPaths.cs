using Portal.Domain.Organizations;
using Portal.Domain.Usage;

namespace Portal.Components.Customers;

/// <summary>Addresses and wording shared by the staff customer pages.</summary>
public static class CustomerPaths
{
    public const string Directory = "/staff/customers";

    /// <summary>The directory's query parameter for <see cref="CustomerUsageFilter"/>: <c>over</c>, <c>near</c> or <c>silent</c>.</summary>
    public const string UsageParameter = "usage";

    /// <summary>The directory's query parameter for <see cref="CustomerSort"/>: <c>missing-seats</c>, or absent for by name.</summary>
    public const string SortParameter = "sort";

    private const string MostMissingSeatsName = "missing-seats";

    public static string Detail(Guid organizationId) => $"{Directory}/{organizationId}";

    /// <summary>The directory showing the customers <paramref name="usage"/> picks (all when null), in <paramref name="sort"/> order.</summary>
    public static string DirectoryView(CustomerUsageFilter? usage, CustomerSort sort)
    {
        var query = new List<string>();
        if (usage is { } filter)
            query.Add($"{UsageParameter}={UsageName(filter)}");
        if (sort == CustomerSort.MostMissingSeats)
            query.Add($"{SortParameter}={MostMissingSeatsName}");
        return query.Count == 0 ? Directory : $"{Directory}?{string.Join('&', query)}";
    }

    /// <summary>The filter a <c>usage</c> value names; null (all customers) for none or one Portal does not know.</summary>
    public static CustomerUsageFilter? ParseUsage(string? value) =>
        Enum.GetValues<CustomerUsageFilter>().Where(f => UsageName(f) == value).Select(f => (CustomerUsageFilter?)f).FirstOrDefault();

    /// <summary>The sort a <c>sort</c> value names; by name for none or one Portal does not know.</summary>
    public static CustomerSort ParseSort(string? value) => value == MostMissingSeatsName ? CustomerSort.MostMissingSeats : CustomerSort.Name;

    public static string UsageName(CustomerUsageFilter filter) => filter switch
    {
        CustomerUsageFilter.Over => "over",
        CustomerUsageFilter.Near => "near",
        _ => "silent",
    };

    /// <summary>The view's title in the directory, e.g. "Over their seats".</summary>
    public static string UsageTitle(CustomerUsageFilter? filter) => filter switch
    {
        null => "All customers",
        CustomerUsageFilter.Over => "Over their seats",
        CustomerUsageFilter.Near => "Near the limit",
        _ => $"Not reported for {InstallationView.ReportingPeriod.Days} days",
    };

    /// <summary>The country's English name, or its code when the platform does not know it.</summary>
    public static string Country(string code) => Countries.Find(code)?.Name ?? code;
}
