namespace Portal.Domain.Licensing;

/// <summary>
/// R1: an installation needs a seat for every enabled user; disabled users need none. Compares that with the seats
/// an organization holds for the installation's major version (R2).
/// </summary>
public sealed record SeatCoverage(int SeatsHeld, int EnabledUsers)
{
    public int Shortfall => Math.Max(0, EnabledUsers - SeatsHeld);
    public bool IsCovered => Shortfall == 0;

    public static SeatCoverage For(int seatsHeld, int enabledUsers, int disabledUsers)
    {
        if (seatsHeld < 0 || enabledUsers < 0 || disabledUsers < 0)
            throw new DomainException("Seat and user counts cannot be negative.");
        return new SeatCoverage(seatsHeld, enabledUsers);
    }
}
