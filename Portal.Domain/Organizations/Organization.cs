namespace Portal.Domain.Organizations;

/// <summary>The licensee: a customer company or institution whose members buy and hold licenses.</summary>
public sealed class Organization
{
    public const int NameMaxLength = 200;

    /// <summary>The longest email address the database keeps (as Identity's user emails).</summary>
    public const int EmailMaxLength = 256;

    private Organization(Guid id, string name, OrganizationKind kind, string countryCode, string billingEmail, DateTimeOffset createdAt)
    {
        Id = id;
        Name = name;
        Kind = kind;
        CountryCode = countryCode;
        BillingEmail = billingEmail;
        CreatedAt = createdAt;
        LicensesRevision = Guid.NewGuid();
        MembersRevision = Guid.NewGuid();
        BillingAddress = PostalAddress.None;
        // Public bodies buy against purchase orders as a rule; an Owner or Billing member can lift it.
        PurchaseOrderRequired = kind == OrganizationKind.Governmental;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public OrganizationKind Kind { get; private set; }

    /// <summary>ISO 3166-1 alpha-2 code, upper case.</summary>
    public string CountryCode { get; private set; }

    public string BillingEmail { get; private set; }

    /// <summary>Where quotes and invoices are addressed; <see cref="PostalAddress.None"/> until someone gives one.</summary>
    public PostalAddress BillingAddress { get; private set; }

    // Stored as two columns; TaxId is their value object.
    private string? _taxIdType;
    private string? _taxIdValue;

    /// <summary>Printed on quotes and invoices and given to the payment provider.</summary>
    public TaxId? TaxId => _taxIdType is null || _taxIdValue is null ? null : TaxId.Create(_taxIdType, _taxIdValue);

    /// <summary>Accepting a quote asks for a purchase-order number (docs/rules.md#quotes-and-invoices).</summary>
    public bool PurchaseOrderRequired { get; private set; }

    /// <summary>
    /// Sales trusts this organization to pay its invoices: an invoice order is fulfilled when the invoice is issued,
    /// not when it is paid, and voiding the invoice revokes those licenses (R10).
    /// </summary>
    public bool KeysOnInvoice { get; private set; }

    public string? StripeCustomerId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// A new value whenever one of the organization's licenses is added, changed or removed, saved with that change
    /// (<see cref="Data.PortalDbContext"/>): what its license counts were read at is still current while this is unchanged
    /// (<see cref="Licensing.LicenseCounts"/>).
    /// </summary>
    public Guid LicensesRevision { get; private set; }

    internal void LicensesChanged() => LicensesRevision = Guid.NewGuid();

    /// <summary>
    /// A new value with every change of who its members are or what roles they hold. Member changes move it from the
    /// value they read to a new one in their own transaction, so two changes that each leave the other's owner as the
    /// last one cannot both be saved (<see cref="Members.MembershipService"/>).
    /// </summary>
    public Guid MembersRevision { get; private set; }

    /// <summary>The payment provider's customer record for this organization, created once and reused for every checkout.</summary>
    public void UseStripeCustomer(string customerId)
    {
        if (string.IsNullOrWhiteSpace(customerId))
            throw new DomainException("A Stripe customer id is required.");
        if (StripeCustomerId is not null && StripeCustomerId != customerId)
            throw new DomainException("This organization already has a Stripe customer.");
        StripeCustomerId = customerId;
    }

    /// <summary>An Owner or Billing member (or what a checkout collected) sets where invoices go and the tax ID on them.</summary>
    public void ChangeBillingDetails(PostalAddress address, TaxId? taxId)
    {
        ArgumentNullException.ThrowIfNull(address);
        BillingAddress = address;
        _taxIdType = taxId?.Type;
        _taxIdValue = taxId?.Value;
    }

    /// <summary>Whether accepting a quote requires a purchase-order number; false when it already was as asked.</summary>
    public bool RequirePurchaseOrders(bool required)
    {
        if (PurchaseOrderRequired == required)
            return false;
        PurchaseOrderRequired = required;
        return true;
    }

    /// <summary>Sales: issue keys when an invoice is issued rather than paid; false when it already was as asked.</summary>
    public bool TrustWithKeysOnInvoice(bool trusted)
    {
        if (KeysOnInvoice == trusted)
            return false;
        KeysOnInvoice = trusted;
        return true;
    }

    public static Organization Register(string name, OrganizationKind kind, string countryCode, string billingEmail, DateTimeOffset now)
    {
        var profile = ValidProfile(name, kind, countryCode, billingEmail);
        return new Organization(Guid.CreateVersion7(now), profile.Name, profile.Kind, profile.CountryCode, profile.BillingEmail, now);
    }

    /// <summary>A member corrects the organization's profile; the rules are those of <see cref="Register"/>.</summary>
    public void UpdateProfile(string name, OrganizationKind kind, string countryCode, string billingEmail)
    {
        var profile = ValidProfile(name, kind, countryCode, billingEmail);
        Name = profile.Name;
        Kind = profile.Kind;
        CountryCode = profile.CountryCode;
        BillingEmail = profile.BillingEmail;
    }

    private static (string Name, OrganizationKind Kind, string CountryCode, string BillingEmail) ValidProfile(
        string name, OrganizationKind kind, string countryCode, string billingEmail)
    {
        var trimmedName = name?.Trim() ?? "";
        if (trimmedName.Length == 0)
            throw new DomainException("An organization needs a name.");
        if (trimmedName.Length > NameMaxLength)
            throw new DomainException($"An organization name can have at most {NameMaxLength} characters.");
        if (!Enum.IsDefined(kind))
            throw new DomainException("Choose whether the organization is commercial, nonprofit, educational or governmental.");
        var country = Countries.Find(countryCode)
            ?? throw new DomainException($"'{countryCode}' is not a country we know. Choose a country from the list.");
        if (string.IsNullOrWhiteSpace(billingEmail))
            throw new DomainException("An organization needs a billing email address.");
        if (billingEmail.Trim().Length > EmailMaxLength)
            throw new DomainException($"An email address can have at most {EmailMaxLength} characters.");

        return (trimmedName, kind, country.Code, billingEmail.Trim());
    }
}
