using System.Globalization;
using MudBlazor;
using Portal.Domain.Usage;

namespace Portal.Components.Usage;

/// <summary>How installations and their headroom read on the customer's pages and the dashboard.</summary>
public static class UsageText
{
    public static string State(Headroom headroom)
    {
        ArgumentNullException.ThrowIfNull(headroom);
        return headroom.State switch
        {
            HeadroomState.Over => $"Over by {"seat".ToQuantity(headroom.MissingSeats)}",
            HeadroomState.Near => "Near the limit",
            _ => "Fits",
        };
    }

    /// <summary>The state's icon, coloured by <see cref="StateColor"/>: the chip's text stays neutral for contrast.</summary>
    public static string StateIcon(HeadroomState state) => state switch
    {
        HeadroomState.Over => Icons.Material.Filled.Error,
        HeadroomState.Near => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.CheckCircle,
    };

    public static Color StateColor(HeadroomState state) => state switch
    {
        HeadroomState.Over => Color.Error,
        HeadroomState.Near => Color.Warning,
        _ => Color.Success,
    };

    /// <summary>"3 days ago", against Portal's clock rather than the server's.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now) => at.Humanize(now, CultureInfo.InvariantCulture);

    /// <summary>Whole days since the installation's latest report was written.</summary>
    public static int DaysSilent(InstallationView installation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(installation);
        return (int)(now - installation.LastReportedAt).TotalDays;
    }

    /// <summary>
    /// Seats to buy before an installation near its limit gets there: enough for its enabled users and its 90-day peak,
    /// whichever is higher, to use less than <see cref="Headroom.NearPercent"/> % of its seats.
    /// </summary>
    public static int SeatsAhead(Headroom headroom)
    {
        ArgumentNullException.ThrowIfNull(headroom);
        var users = Math.Max(headroom.EnabledUsers, headroom.PeakEnabledUsers);
        var seatsBelowNear = users * 100 / Headroom.NearPercent + 1;
        return Math.Max(1, seatsBelowNear - headroom.SeatsAvailable);
    }

    public static string Users(int users) => "enabled user".ToQuantity(users);

    public static string Source(UsageSource source) => source switch
    {
        UsageSource.Upload => "Uploaded",
        UsageSource.Api => "Posted by the installation",
        _ => source.ToString(),
    };
}
