namespace Portal.Domain.Catalog;

/// <summary>A number of user seats sold together at one list price, in the product's currency.</summary>
public sealed class SeatPack
{
    internal SeatPack(Guid productId, int seats, long listPriceMinor)
    {
        if (seats < 1)
            throw new DomainException("A seat pack holds at least one user.");
        if (listPriceMinor < 0)
            throw new DomainException("A list price cannot be negative.");
        Id = Guid.CreateVersion7();
        ProductId = productId;
        Seats = seats;
        ListPriceMinor = listPriceMinor;
    }

    public Guid Id { get; private set; }
    public Guid ProductId { get; private set; }
    public int Seats { get; private set; }

    /// <summary>Price of one pack in minor units (cents) of the product's currency (R12).</summary>
    public long ListPriceMinor { get; private set; }

    /// <summary>Through <see cref="Product.ChangePackPrice"/>, which keeps the product's concurrency token current.</summary>
    internal void ChangePrice(long listPriceMinor)
    {
        if (listPriceMinor < 0)
            throw new DomainException("A list price cannot be negative.");
        ListPriceMinor = listPriceMinor;
    }
}
