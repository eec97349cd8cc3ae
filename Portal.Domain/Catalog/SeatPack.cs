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

    /// <summary>Admin: a new list price; quotes and orders made from now on use it, frozen orders keep theirs.</summary>
    public void ChangePrice(long listPriceMinor)
    {
        if (listPriceMinor < 0)
            throw new DomainException("A list price cannot be negative.");
        ListPriceMinor = listPriceMinor;
    }
}
