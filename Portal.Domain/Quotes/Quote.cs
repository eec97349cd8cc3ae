using System.Globalization;
using Portal.Domain.Discounts;
using Portal.Domain.Organizations;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;

namespace Portal.Domain.Quotes;

public enum QuoteStatus
{
    /// <summary>Valid until <see cref="Quote.ValidUntil"/>; it can be accepted.</summary>
    Open,

    /// <summary>Accepted: an order at the quote's prices was placed from it.</summary>
    Accepted,

    /// <summary>Its validity ended before it was accepted; it can be quoted again at today's prices.</summary>
    Expired,
}

/// <summary>
/// A numbered offer to an organization: the priced lines of a cart, its discount and any special price, frozen until
/// <see cref="ValidUntil"/> whatever the catalog does meanwhile, addressed to the organization as it was then. Accepting
/// it places an order at exactly these prices (docs/rules.md#quotes-and-invoices).
/// </summary>
public sealed class Quote
{
    public const int PurchaseOrderNumberMaxLength = 100;
    public const int SpecialPriceReasonMaxLength = 300;

    private readonly List<QuoteLine> _lines = [];

    private Quote()
    {
        Number = "";
        ProductName = "";
        Currency = "";
        OrganizationName = "";
        BillingEmail = "";
        CountryCode = "";
        BillingAddress = PostalAddress.None;
        CreatedByUserId = "";
        CreatedByEmail = "";
    }

    public Guid Id { get; private set; }

    /// <summary>Q-yyyy-nnnnn: the year it was made and a number no other quote ever had.</summary>
    public string Number { get; private set; }

    public long Sequence { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ProductId { get; private set; }
    public string ProductName { get; private set; }
    public int Major { get; private set; }
    public string Currency { get; private set; }
    public IReadOnlyList<QuoteLine> Lines => _lines;

    public Money Subtotal { get; private set; }
    public Money DiscountTotal { get; private set; }
    public Money Total { get; private set; }

    /// <summary>The approved discount in force when quoted, and why; it holds for the quote's life.</summary>
    public Guid? DiscountApplicationId { get; private set; }
    public DiscountKind? DiscountKind { get; private set; }
    public int DiscountPercent { get; private set; }
    public string? DiscountReason { get; private set; }

    /// <summary>A percentage sales took off the discounted prices, with the reason the customer sees.</summary>
    public int SpecialPercent { get; private set; }
    public string? SpecialPriceReason { get; private set; }

    public string OrganizationName { get; private set; }
    public string BillingEmail { get; private set; }
    public string CountryCode { get; private set; }
    public PostalAddress BillingAddress { get; private set; }

    private string? _taxIdType;
    private string? _taxIdValue;

    public TaxId? TaxId => _taxIdType is null || _taxIdValue is null ? null : TaxId.Create(_taxIdType, _taxIdValue);

    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedByUserId { get; private set; }
    public string CreatedByEmail { get; private set; }
    public DateTimeOffset ValidUntil { get; private set; }
    public QuoteStatus Status { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }
    public string? AcceptedByUserId { get; private set; }
    public string? PurchaseOrderNumber { get; private set; }
    public PaymentMethod? PaymentMethod { get; private set; }

    /// <summary>The order placed when the quote was last accepted.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>The quote that replaced this expired one at the prices of its day.</summary>
    public Guid? RequotedAsId { get; private set; }

    /// <summary>Concurrency token: a quote is accepted, expired or re-priced once.</summary>
    public Guid Version { get; private set; }

    /// <summary>Whether the quote can no longer be accepted because its validity ended, marked so yet or not.</summary>
    public bool IsExpired(DateTimeOffset now) => Status == QuoteStatus.Expired || (Status == QuoteStatus.Open && now >= ValidUntil);

    /// <summary>The status as the customer should read it now: an open quote past its date is expired.</summary>
    public QuoteStatus StatusAt(DateTimeOffset now) => IsExpired(now) ? QuoteStatus.Expired : Status;

    public static string FormatNumber(int year, long sequence) => $"Q-{year}-{sequence:D5}";

    internal static Quote Create(long sequence, PricedCart priced, Organization organization, int validityDays,
        string createdByUserId, string createdByEmail, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(priced);
        ArgumentNullException.ThrowIfNull(organization);
        if (priced.Total.Minor < Order.MinimumTotal)
            throw new DomainException($"A quote must come to at least {new Money(Order.MinimumTotal, priced.Currency)}.");
        var quote = new Quote
        {
            Id = Guid.CreateVersion7(now),
            Sequence = sequence,
            Number = FormatNumber(now.Year, sequence),
            OrganizationId = organization.Id,
            ProductId = priced.ProductId,
            ProductName = priced.ProductName,
            Major = priced.Major,
            Currency = priced.Currency,
            DiscountApplicationId = priced.Discount?.ApplicationId,
            DiscountKind = priced.Discount?.Kind,
            DiscountPercent = priced.Discount?.Percent ?? 0,
            DiscountReason = priced.Discount?.Reason,
            OrganizationName = organization.Name,
            BillingEmail = organization.BillingEmail,
            CountryCode = organization.CountryCode,
            BillingAddress = organization.BillingAddress,
            _taxIdType = organization.TaxId?.Type,
            _taxIdValue = organization.TaxId?.Value,
            CreatedAt = now,
            CreatedByUserId = createdByUserId,
            CreatedByEmail = createdByEmail,
            ValidUntil = now.AddDays(validityDays),
            Status = QuoteStatus.Open,
            Version = Guid.NewGuid(),
        };
        quote._lines.AddRange(priced.Lines.Select((line, position) => new QuoteLine(quote.Id, position, line)));
        quote.Reprice();
        return quote;
    }

    /// <summary>What the quote's packs and upgrades were, to price them again at today's prices.</summary>
    public Cart ToCart() => new(ProductId,
        _lines.Where(l => l.Kind == LineKind.NewSeats).OrderBy(l => l.Position).Select(l => new CartPack(l.PackId!.Value, l.Quantity)).ToList(),
        _lines.Where(l => l.Kind == LineKind.Upgrade).OrderBy(l => l.Position).Select(l => l.UpgradedLicenseId!.Value).ToList());

    /// <summary>The quote's lines and amounts as the order placed from it takes them.</summary>
    internal PricedCart ToPricedCart()
    {
        var applied = DiscountApplicationId is { } applicationId && DiscountKind is { } kind
            ? new AppliedDiscount(applicationId, kind, DiscountPercent, DiscountDescription ?? "")
            : null;
        var lines = _lines.OrderBy(l => l.Position).Select(l => l.ToPricedLine()).ToList();
        return new PricedCart(OrganizationId, ProductId, ProductName, Major, Currency, lines, Subtotal, applied, DiscountTotal, Total);
    }

    /// <summary>What the quote takes off the list price and why, in one sentence; null when nothing.</summary>
    public string? DiscountDescription
    {
        get
        {
            var parts = new List<string>();
            if (DiscountReason is { } reason)
                parts.Add(reason);
            if (SpecialPercent > 0)
                parts.Add($"Special price, {SpecialPercent} % off: {SpecialPriceReason}");
            return parts.Count == 0 ? null : string.Join("; ", parts);
        }
    }

    /// <summary>
    /// Sales (or an admin) takes a percentage off the quote's discounted prices, with a reason the customer sees; 0
    /// removes a special price. Only an open, unexpired quote changes; its number and validity stay.
    /// </summary>
    internal void GiveSpecialPrice(int percent, string reason, DateTimeOffset now)
    {
        EnsureOpen(now, "change the price of");
        if (percent is < 0 or > 99)
            throw new DomainException("A special price takes between 1 and 99 percent off (0 removes it).");
        var trimmed = reason?.Trim() ?? "";
        if (percent > 0 && trimmed.Length == 0)
            throw new DomainException("Give the reason for the special price; the customer sees it.");
        if (trimmed.Length > SpecialPriceReasonMaxLength)
            throw new DomainException($"The reason can have at most {SpecialPriceReasonMaxLength} characters.");
        if (percent == SpecialPercent && (percent == 0 || trimmed == SpecialPriceReason))
            throw new DomainException(percent == 0 ? "This quote has no special price." : $"This quote already has a special price of {percent} %.");
        var previous = (SpecialPercent, SpecialPriceReason);
        SpecialPercent = percent;
        SpecialPriceReason = percent == 0 ? null : trimmed;
        Reprice();
        if (Total.Minor < Order.MinimumTotal)
        {
            (SpecialPercent, SpecialPriceReason) = previous;
            Reprice();
            throw new DomainException($"A quote must come to at least {new Money(Order.MinimumTotal, Currency)}.");
        }
        Touch();
    }

    /// <summary>
    /// The customer accepts: the purchase-order number (required when the organization says so), the billing address
    /// and tax ID as confirmed, and how they will pay. An accepted quote whose order ended unpaid
    /// (<paramref name="previousOrderEndedUnpaid"/>) may be accepted again while valid.
    /// </summary>
    internal void Accept(string? purchaseOrderNumber, bool purchaseOrderRequired, PostalAddress billingAddress, TaxId? taxId,
        PaymentMethod method, string acceptedByUserId, bool previousOrderEndedUnpaid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(billingAddress);
        if (Status == QuoteStatus.Accepted && !previousOrderEndedUnpaid)
            throw new DomainException($"Quote {Number} is already accepted.");
        if (Status == QuoteStatus.Expired || now >= ValidUntil)
            throw new DomainException($"Quote {Number} expired on {DateText(ValidUntil)}; ask for a new quote at today's prices.");
        if (!Enum.IsDefined(method))
            throw new DomainException("Choose to pay by card now or by invoice.");
        var po = purchaseOrderNumber?.Trim() ?? "";
        if (po.Length == 0 && purchaseOrderRequired)
            throw new DomainException("Your organization requires a purchase-order number to accept a quote.");
        if (po.Length > PurchaseOrderNumberMaxLength)
            throw new DomainException($"A purchase-order number can have at most {PurchaseOrderNumberMaxLength} characters.");
        if (method == Ordering.PaymentMethod.Invoice && billingAddress.IsEmpty)
            throw new DomainException("An invoice needs a billing address.");
        PurchaseOrderNumber = po.Length == 0 ? null : po;
        BillingAddress = billingAddress;
        _taxIdType = taxId?.Type;
        _taxIdValue = taxId?.Value;
        PaymentMethod = method;
        AcceptedAt = now;
        AcceptedByUserId = acceptedByUserId;
        Status = QuoteStatus.Accepted;
        Touch();
    }

    internal void PlacedAs(Guid orderId)
    {
        if (Status != QuoteStatus.Accepted)
            throw new DomainException($"Quote {Number} is not accepted.");
        OrderId = orderId;
    }

    /// <summary>Marks an open quote past its date expired; false when it is not (yet) one.</summary>
    internal bool ExpireIfDue(DateTimeOffset now)
    {
        if (Status != QuoteStatus.Open || now < ValidUntil)
            return false;
        Status = QuoteStatus.Expired;
        Touch();
        return true;
    }

    /// <summary>Throws unless the quote expired unaccepted and has not been quoted again.</summary>
    internal void EnsureRequotable(DateTimeOffset now)
    {
        if (RequotedAsId is not null)
            throw new DomainException($"Quote {Number} has been quoted again already.");
        if (Status == QuoteStatus.Accepted)
            throw new DomainException($"Quote {Number} is accepted; ask for a new quote from the cart.");
        if (!IsExpired(now))
            throw new DomainException($"Quote {Number} is still valid until {DateText(ValidUntil)}; accept it instead.");
    }

    internal void RequotedAs(Guid quoteId, DateTimeOffset now)
    {
        EnsureRequotable(now);
        ExpireIfDue(now);
        RequotedAsId = quoteId;
        Touch();
    }

    private void EnsureOpen(DateTimeOffset now, string action)
    {
        if (Status == QuoteStatus.Accepted)
            throw new DomainException($"Cannot {action} quote {Number}: it is accepted.");
        if (IsExpired(now))
            throw new DomainException($"Cannot {action} quote {Number}: it expired on {DateText(ValidUntil)}.");
    }

    /// <summary>
    /// The rounding rule of docs/rules.md: each percentage is taken off one unit and rounded half away from zero; the
    /// discount first from the list price, then the special price from what is left.
    /// </summary>
    private void Reprice()
    {
        foreach (var line in _lines)
            line.Price(DiscountPercent, SpecialPercent);
        Subtotal = new Money(_lines.Sum(l => l.UnitListPrice.Minor * l.Quantity), Currency);
        Total = new Money(_lines.Sum(l => l.Total.Minor), Currency);
        DiscountTotal = new Money(Subtotal.Minor - Total.Minor, Currency);
    }

    private void Touch() => Version = Guid.NewGuid();

    /// <summary>A date as quotes and their messages write it, whatever the server's culture: 29 December 2026.</summary>
    internal static string DateText(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}

/// <summary>One line of a quote, its list price frozen when quoted.</summary>
public sealed class QuoteLine
{
    internal QuoteLine(Guid quoteId, int position, PricedLine line)
    {
        Id = Guid.CreateVersion7();
        QuoteId = quoteId;
        Position = position;
        Kind = line.Kind;
        Description = line.Description;
        PackId = line.PackId;
        UpgradedLicenseId = line.UpgradedLicenseId;
        Seats = line.Seats;
        Quantity = line.Quantity;
        UnitListPrice = line.UnitListPrice;
        UnitDiscount = line.UnitDiscount;
        UnitPrice = line.UnitPrice;
        Total = line.Total;
    }

    private QuoteLine()
    {
        Description = "";
    }

    public Guid Id { get; private set; }
    public Guid QuoteId { get; private set; }

    /// <summary>The line's place on the quote, as priced.</summary>
    public int Position { get; private set; }

    public LineKind Kind { get; private set; }
    public string Description { get; private set; }
    public Guid? PackId { get; private set; }
    public Guid? UpgradedLicenseId { get; private set; }
    public int Seats { get; private set; }
    public int Quantity { get; private set; }
    public Money UnitListPrice { get; private set; }
    public Money UnitDiscount { get; private set; }
    public Money UnitPrice { get; private set; }
    public Money Total { get; private set; }

    internal void Price(int discountPercent, int specialPercent)
    {
        var currency = UnitListPrice.Currency;
        var afterDiscount = UnitListPrice.Minor - PricingService.PercentOf(UnitListPrice.Minor, discountPercent);
        var unitPrice = afterDiscount - PricingService.PercentOf(afterDiscount, specialPercent);
        UnitDiscount = new Money(UnitListPrice.Minor - unitPrice, currency);
        UnitPrice = new Money(unitPrice, currency);
        Total = new Money(unitPrice * Quantity, currency);
    }

    internal PricedLine ToPricedLine() =>
        new(Kind, Description, PackId, UpgradedLicenseId, Seats, Quantity, UnitListPrice, UnitDiscount, UnitPrice, Total);
}
