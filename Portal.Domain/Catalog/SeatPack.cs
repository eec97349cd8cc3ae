namespace Portal.Domain.Catalog;

/// <summary>A number of user seats sold together at one list price, in the product's currency.</summary>
public sealed class SeatPack
{
    internal SeatPack(Guid productId, int seats, Money listPrice)
    {
        if (seats < 1)
            throw new DomainException("A seat pack holds at least one user.");
        EnsureNotNegative(listPrice);
        Id = Guid.CreateVersion7();
        ProductId = productId;
        Seats = seats;
        ListPrice = listPrice;
    }

    // For EF Core, which sets the price itself: it cannot pass complex properties to a constructor.
    private SeatPack()
    {
    }

    public Guid Id { get; private set; }
    public Guid ProductId { get; private set; }
    public int Seats { get; private set; }

    /// <summary>Price of one pack, in the product's currency (R12).</summary>
    public Money ListPrice { get; private set; }

    /// <summary>Through <see cref="Product.ChangePackPrice"/>, which keeps the product's concurrency token current.</summary>
    internal void ChangePrice(Money listPrice)
    {
        EnsureNotNegative(listPrice);
        ListPrice = listPrice;
    }

    private static void EnsureNotNegative(Money listPrice)
    {
        if (listPrice.Minor < 0)
            throw new DomainException("A list price cannot be negative.");
    }
}
