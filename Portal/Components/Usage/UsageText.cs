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
        return State(headroom.State, headroom.MissingSeats);
    }

    /// <summary>"Over by 6 seats", "Near the limit" or "Fits", for an installation or a customer's worst one.</summary>
    public static string State(HeadroomState state, int missingSeats) => state switch
    {
        HeadroomState.Over => $"Over by {"seat".ToQuantity(missingSeats)}",
        HeadroomState.Near => "Near the limit",
        _ => "Fits",
    };

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

    public static string Users(int users) => "enabled user".ToQuantity(users);

    public static string Source(UsageSource source) => source switch
    {
        UsageSource.Upload => "Uploaded",
        UsageSource.Api => "Posted by the installation",
        _ => source.ToString(),
    };
}
