namespace Portal.Benchmarks;

/// <summary>A clock that moves on by <paramref name="step"/> each time it is read: seeded history spreads over time.</summary>
public sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        var now = _now;
        _now += step;
        return now;
    }
}
