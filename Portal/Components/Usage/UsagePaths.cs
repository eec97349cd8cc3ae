namespace Portal.Components.Usage;

/// <summary>The seat-planning addresses, in one place for pages, links, endpoints and tests.</summary>
public static class UsagePaths
{
    /// <summary>The organization's installations: headroom, reports, uploads and tokens.</summary>
    public const string Installations = "/installations";

    /// <summary>Where installations post their reports with their token.</summary>
    public const string Api = "/api/usage";

    public static string Installation(Guid installationId) => $"{Installations}/{installationId}";

    /// <summary>Buy seats with the cheapest packs for <paramref name="seats"/> more users filled in.</summary>
    public static string BuySeats(int seats) => $"/buy?seats={seats}";

    /// <summary>The upgrade of an older-major installation's licenses, with the cheapest packs for its missing seats.</summary>
    public static string UpgradeInstallation(Guid installationId) => $"/upgrade?installation={installationId}";
}
