namespace Portal.Domain.Quotes;

/// <summary>
/// The terms every quote and invoice is made on, kept by an admin in the catalog: how long a quote is valid, how many
/// days an invoice gives to pay, and the largest special price sales may give without an admin. One row, shipped with
/// the defaults below as migration data.
/// </summary>
public sealed class QuoteTerms
{
    public const int SingleRowId = 1;
    public const int DefaultValidityDays = 30;
    public const int DefaultInvoiceDaysUntilDue = 30;
    public const int DefaultSalesSpecialPriceLimit = 25;
    public const int MaxValidityDays = 365;
    public const int MaxInvoiceDaysUntilDue = 365;

    private QuoteTerms()
    {
    }

    public int Id { get; private set; }

    /// <summary>Days from a quote's date to its valid-until date.</summary>
    public int ValidityDays { get; private set; }

    /// <summary>Days an invoice gives the customer to pay (Stripe's <c>days_until_due</c>).</summary>
    public int InvoiceDaysUntilDue { get; private set; }

    /// <summary>The largest percentage sales may take off a quote; admins may take more.</summary>
    public int SalesSpecialPriceLimit { get; private set; }

    public Guid Version { get; private set; }

    internal static object SeedRow => new
    {
        Id = SingleRowId,
        ValidityDays = DefaultValidityDays,
        InvoiceDaysUntilDue = DefaultInvoiceDaysUntilDue,
        SalesSpecialPriceLimit = DefaultSalesSpecialPriceLimit,
        Version = new Guid("019af9c0-6a00-7000-8000-000000000021"),
    };

    /// <summary>What is wrong with the terms (empty when they are fine), for forms and for <see cref="Change"/>.</summary>
    public static IReadOnlyList<string> Check(int validityDays, int invoiceDaysUntilDue, int salesSpecialPriceLimit)
    {
        var problems = new List<string>();
        if (validityDays is < 1 or > MaxValidityDays)
            problems.Add($"A quote is valid for between 1 and {MaxValidityDays} days.");
        if (invoiceDaysUntilDue is < 1 or > MaxInvoiceDaysUntilDue)
            problems.Add($"An invoice is due in between 1 and {MaxInvoiceDaysUntilDue} days.");
        if (salesSpecialPriceLimit is < 0 or > 99)
            problems.Add("Sales may take between 0 and 99 percent off a quote.");
        return problems;
    }

    /// <summary>Admin: new terms; returns what changed, as phrases for the audit log.</summary>
    public IReadOnlyList<string> Change(int validityDays, int invoiceDaysUntilDue, int salesSpecialPriceLimit)
    {
        if (Check(validityDays, invoiceDaysUntilDue, salesSpecialPriceLimit) is [var first, ..])
            throw new DomainException(first);
        var changes = new List<string>();
        if (validityDays != ValidityDays)
            changes.Add($"quotes valid for {validityDays} days (was {ValidityDays})");
        if (invoiceDaysUntilDue != InvoiceDaysUntilDue)
            changes.Add($"invoices due in {invoiceDaysUntilDue} days (was {InvoiceDaysUntilDue})");
        if (salesSpecialPriceLimit != SalesSpecialPriceLimit)
            changes.Add($"sales may take up to {salesSpecialPriceLimit} % off a quote (was {SalesSpecialPriceLimit} %)");
        if (changes.Count == 0)
            throw new DomainException("These are the terms already.");
        ValidityDays = validityDays;
        InvoiceDaysUntilDue = invoiceDaysUntilDue;
        SalesSpecialPriceLimit = salesSpecialPriceLimit;
        Version = Guid.NewGuid();
        return changes;
    }
}

/// <summary>A counter that hands out document numbers (quote numbers) that are never used twice.</summary>
public sealed class DocumentSequence
{
    public const string Quotes = "quote";

    private DocumentSequence()
    {
        Name = "";
    }

    public string Name { get; private set; }

    /// <summary>The last number handed out.</summary>
    public long Last { get; private set; }
}
