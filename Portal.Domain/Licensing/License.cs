using System.Globalization;
using Portal.Domain.Catalog;

namespace Portal.Domain.Licensing;

public enum LicenseSource
{
    Purchase,
    Upgrade,
    Complimentary,

    /// <summary>Bought before Portal existed and recorded by an admin with its original purchase date.</summary>
    Imported,
}

public enum LicenseStatus
{
    /// <summary>Counts towards the organization's seats (R2).</summary>
    Active,

    /// <summary>Replaced by a license for a newer major (R6): still valid for its own major, counts nowhere.</summary>
    Upgraded,

    /// <summary>Withdrawn after a refund or dispute (R10).</summary>
    Revoked,
}

/// <summary>A perpetual grant of seats of one product's major version to an organization (R4, R5).</summary>
public sealed class License
{
    private License(Guid id, Guid organizationId, Guid productId, int major, int seats, LicenseSource source,
        DateTimeOffset issuedAt, Guid? orderId, Guid? upgradedFromId)
    {
        Id = id;
        OrganizationId = organizationId;
        ProductId = productId;
        Major = major;
        Seats = seats;
        Source = source;
        Status = LicenseStatus.Active;
        IssuedAt = issuedAt;
        OrderId = orderId;
        UpgradedFromId = upgradedFromId;
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ProductId { get; private set; }
    public int Major { get; private set; }
    public int Seats { get; private set; }
    public LicenseSource Source { get; private set; }
    public LicenseStatus Status { get; private set; }
    public DateTimeOffset IssuedAt { get; private set; }

    /// <summary>The order that paid for it; none for complimentary and imported licenses.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>For an upgrade: the older-major license it replaced.</summary>
    public Guid? UpgradedFromId { get; private set; }

    /// <summary>For an upgraded license: the license that replaced it.</summary>
    public Guid? ReplacedById { get; private set; }

    public DateTimeOffset? StatusChangedAt { get; private set; }
    public string? RevocationReason { get; private set; }

    /// <summary>The signed license key (a compact JWT); set once, right after issue. Give it out only as <see cref="AvailableKey"/>.</summary>
    public string Key { get; private set; } = "";

    /// <summary>
    /// The key as it may be shown, downloaded or emailed; null for a revoked license, whose key may no longer be used
    /// (R10), and before the key is signed. Every page, download and email takes the key from here.
    /// </summary>
    public string? AvailableKey => Status == LicenseStatus.Revoked || Key.Length == 0 ? null : Key;

    /// <summary>New seats are sold for the current major only (R3).</summary>
    internal static License Purchase(Guid organizationId, Product product, int seats, Guid orderId, DateTimeOffset now)
    {
        RequirePositive(seats);
        return new License(Guid.CreateVersion7(now), organizationId, product.Id, product.CurrentMajor, seats,
            LicenseSource.Purchase, now, orderId, upgradedFromId: null);
    }

    internal static License Complimentary(Guid organizationId, Product product, int major, int seats, DateTimeOffset now)
    {
        RequirePositive(seats);
        RequireMajorUpToCurrent(product, major);
        return new License(Guid.CreateVersion7(now), organizationId, product.Id, major, seats,
            LicenseSource.Complimentary, now, orderId: null, upgradedFromId: null);
    }

    /// <summary>
    /// The earliest purchase date an imported license may have: older than any license a customer still holds, late
    /// enough to catch a mistyped year.
    /// </summary>
    public static readonly DateOnly EarliestImportedPurchase = new(2000, 1, 1);

    /// <summary>
    /// A license bought before Portal existed, for any major up to the current one. It is issued at its original purchase
    /// date (midnight UTC), which must be neither in the future nor before <see cref="EarliestImportedPurchase"/>.
    /// </summary>
    internal static License Imported(Guid organizationId, Product product, int major, int seats, DateOnly purchasedOn, DateTimeOffset now)
    {
        RequirePositive(seats);
        RequireMajorUpToCurrent(product, major);
        var day = purchasedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (purchasedOn > DateOnly.FromDateTime(now.UtcDateTime))
            throw new DomainException($"The purchase date {day} is in the future.");
        if (purchasedOn < EarliestImportedPurchase)
            throw new DomainException(
                $"The purchase date {day} is before {EarliestImportedPurchase.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, the earliest an imported license may have.");
        var issuedAt = new DateTimeOffset(purchasedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new License(Guid.CreateVersion7(now), organizationId, product.Id, major, seats,
            LicenseSource.Imported, issuedAt, orderId: null, upgradedFromId: null);
    }

    /// <summary>R6: the same seats for the current major; this license becomes Upgraded.</summary>
    internal License UpgradeTo(Product product, Guid orderId, DateTimeOffset now)
    {
        EnsureUpgradable(product);
        var replacement = new License(Guid.CreateVersion7(now), OrganizationId, product.Id, product.CurrentMajor, Seats,
            LicenseSource.Upgrade, now, orderId, upgradedFromId: Id);
        Status = LicenseStatus.Upgraded;
        ReplacedById = replacement.Id;
        StatusChangedAt = now;
        return replacement;
    }

    public void EnsureUpgradable(Product product)
    {
        if (product.Id != ProductId)
            throw new DomainException("A license can only be upgraded to a newer version of its own product.");
        if (Status != LicenseStatus.Active)
            throw new DomainException($"This license is {Status.ToString().ToLowerInvariant()} and cannot be upgraded.");
        if (Major >= product.CurrentMajor)
            throw new DomainException($"This license is already for {product.Name} {Major}, the current major version.");
    }

    /// <summary>R10: after a refund or dispute. An upgraded license can be revoked too.</summary>
    internal void Revoke(string reason, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("A revocation needs a reason.");
        if (Status == LicenseStatus.Revoked)
            throw new DomainException("This license is already revoked.");
        Status = LicenseStatus.Revoked;
        RevocationReason = reason.Trim();
        StatusChangedAt = now;
    }

    /// <summary>An upgrade that was refunded or disputed gives the customer the license they upgraded from back.</summary>
    internal void Reinstate(DateTimeOffset now)
    {
        if (Status != LicenseStatus.Upgraded)
            throw new DomainException("Only an upgraded license can be reinstated.");
        Status = LicenseStatus.Active;
        ReplacedById = null;
        StatusChangedAt = now;
    }

    internal void AttachKey(string key)
    {
        if (Key.Length > 0)
            throw new InvalidOperationException("A license key is signed once.");
        Key = key;
    }

    private static void RequireMajorUpToCurrent(Product product, int major)
    {
        if (major < 1 || major > product.CurrentMajor)
            throw new DomainException($"{product.Name} has no major version {major}; the current one is {product.CurrentMajor}.");
    }

    private static void RequirePositive(int seats)
    {
        if (seats < 1)
            throw new DomainException("A license holds at least one seat.");
    }
}
