using System.Globalization;

namespace Portal.Domain.Organizations;

public sealed record Country(string Code, string Name);

/// <summary>The countries an organization can be registered in, from the platform's ISO 3166 region data.</summary>
public static class Countries
{
    private static readonly Lazy<IReadOnlyList<Country>> AllCountries = new(Load);

    public static IReadOnlyList<Country> All => AllCountries.Value;

    public static Country? Find(string? code) =>
        string.IsNullOrWhiteSpace(code)
            ? null
            : All.FirstOrDefault(country => string.Equals(country.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<Country> Load() =>
        CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .Select(culture => TryRegion(culture.Name))
            .OfType<RegionInfo>()
            .Where(region => region.TwoLetterISORegionName.Length == 2 && char.IsLetter(region.TwoLetterISORegionName[0]))
            .DistinctBy(region => region.TwoLetterISORegionName)
            .Select(region => new Country(region.TwoLetterISORegionName.ToUpperInvariant(), region.EnglishName))
            .OrderBy(country => country.Name, StringComparer.Ordinal)
            .ToList();

    private static RegionInfo? TryRegion(string cultureName)
    {
        try
        {
            return new RegionInfo(cultureName);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
