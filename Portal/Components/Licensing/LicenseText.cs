using System.Globalization;
using Portal.Domain.Licensing;

namespace Portal.Components.Licensing;

/// <summary>How licenses read on the customer pages.</summary>
public static class LicenseText
{
    public static string Version(string productName, int major) => $"{productName} {major}.x";

    public static string Seats(int seats) => "seat".ToQuantity(seats);

    public static string Source(LicenseSource source) => source switch
    {
        LicenseSource.Purchase => "Purchased",
        LicenseSource.Upgrade => "Upgrade",
        LicenseSource.Complimentary => "Complimentary",
        LicenseSource.Imported => "Bought before Portal",
        _ => source.ToString(),
    };

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string DetailPath(Guid licenseId) => $"/licenses/{licenseId}";
}
