using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Catalog;

/// <summary>
/// The vendor's product as it ships (docs/architecture.md#domain): OfficeStatus 6.1 with its seven seat packs, list prices in US cents.
/// A new database gets it at start in every environment, so a portal can sell from its first run; admins then keep
/// versions and prices on the catalog page. An existing catalog is never touched.
/// </summary>
public static class CatalogSeed
{
    private static readonly (int Seats, long Price)[] OfficeStatusPacks =
        [(1, 4_900), (5, 22_500), (10, 42_000), (25, 97_500), (50, 180_000), (100, 330_000), (250, 750_000)];

    public static Product OfficeStatus() => OfficeStatusAt(6, 1);

    /// <summary>OfficeStatus at another version, with the same packs (the Development demo starts at 5.4).</summary>
    public static Product OfficeStatusAt(int major, int minor)
    {
        var product = Product.Create("officestatus", "OfficeStatus", major, minor, currency: "USD");
        foreach (var (seats, price) in OfficeStatusPacks)
            product.AddPack(seats, new Money(price, product.Currency));
        return product;
    }

    /// <summary>
    /// Adds OfficeStatus when the catalog is empty; true when it did. Several instances starting together on a new
    /// database may all find it empty: the product code's unique index keeps one, and the others return false.
    /// </summary>
    public static async Task<bool> EnsureAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        if (await db.Products.AnyAsync(cancellationToken))
            return false;
        db.Products.Add(OfficeStatus());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Products.AnyAsync(cancellationToken))
                return false;
            throw;
        }
    }
}
