using System.Globalization;

namespace Portal.Domain;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency (R12).</summary>
public readonly record struct Money(long Minor, string Currency)
{
    // Stripe's zero-decimal currencies: their minor unit is the whole unit.
    private static readonly HashSet<string> ZeroDecimalCurrencies =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];

    public int Decimals => ZeroDecimalCurrencies.Contains(Currency) ? 0 : 2;

    /// <summary>For display only, e.g. "USD 1,234.50"; all arithmetic stays in <see cref="Minor"/>.</summary>
    public override string ToString()
    {
        var major = Minor / (decimal)Math.Pow(10, Decimals);
        return $"{Currency} {major.ToString("N" + Decimals, CultureInfo.InvariantCulture)}";
    }
}
