using System.Globalization;

namespace Portal.Domain;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency (R12).</summary>
public readonly record struct Money(long Minor, string Currency)
{
    // Stripe's zero-decimal currencies: their minor unit is the whole unit.
    private static readonly HashSet<string> ZeroDecimalCurrencies =
        ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];

    public int Decimals => ZeroDecimalCurrencies.Contains(Currency) ? 0 : 2;

    /// <summary>The amount in whole units (420.00 for USD 420.00), for forms that show a price to change.</summary>
    public decimal Major => Minor / Scale(Decimals);

    /// <summary>An amount typed in whole units: USD 399.50 is 39950 minor units. Refuses more decimals than the currency has.</summary>
    public static Money FromMajor(decimal amount, string currency)
    {
        var decimals = new Money(0, currency).Decimals;
        decimal minor;
        try
        {
            minor = amount * Scale(decimals);
        }
        catch (OverflowException)
        {
            throw new DomainException("That amount is too large.");
        }
        if (minor != decimal.Truncate(minor))
            throw new DomainException(decimals == 0
                ? $"Amounts in {currency} are whole numbers."
                : $"Amounts in {currency} have at most {decimals} decimals.");
        if (minor is > long.MaxValue or < long.MinValue)
            throw new DomainException("That amount is too large.");
        return new Money((long)minor, currency);
    }

    private static decimal Scale(int decimals) => decimals == 0 ? 1m : 100m;

    /// <summary>For display only, e.g. "USD 1,234.50"; all arithmetic stays in <see cref="Minor"/>.</summary>
    public override string ToString()
    {
        return $"{Currency} {Major.ToString("N" + Decimals, CultureInfo.InvariantCulture)}";
    }
}
