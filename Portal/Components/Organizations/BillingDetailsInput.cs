using Portal.Domain.Organizations;

namespace Portal.Components.Organizations;

/// <summary>
/// A billing address and tax ID as typed into a form, kept as typed until they are saved: the domain's
/// <see cref="PostalAddress.Create"/> and <see cref="TaxId.Create"/> judge them, so a refusal loses nothing.
/// </summary>
public sealed class BillingDetailsInput
{
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? PostalCode { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }

    /// <summary>One of <see cref="TaxId.Types"/>' codes.</summary>
    public string? TaxIdType { get; set; }

    public string? TaxIdValue { get; set; }

    public static BillingDetailsInput From(PostalAddress address, TaxId? taxId)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new BillingDetailsInput
        {
            Line1 = address.Line1,
            Line2 = address.Line2,
            PostalCode = address.PostalCode,
            City = address.City,
            Region = address.Region,
            TaxIdType = taxId?.Type,
            TaxIdValue = taxId?.Value,
        };
    }

    /// <summary>The address typed; <see cref="Domain.DomainException"/> says what is missing or too long.</summary>
    public PostalAddress ToAddress() => PostalAddress.Create(Line1, Line2, PostalCode, City, Region);

    /// <summary>The tax ID typed, or null when its value is blank; <see cref="Domain.DomainException"/> says what is wrong.</summary>
    public TaxId? ToTaxId() => TaxId.Create(TaxIdType, TaxIdValue);
}
