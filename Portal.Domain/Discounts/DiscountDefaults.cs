namespace Portal.Domain.Discounts;

/// <summary>
/// What sales starts from when approving a discount (R7): a percentage per kind and how long an approval is valid.
/// One row for the whole catalog, because a discount belongs to an organization and applies to its whole order, not
/// to one product. Kept by an admin; shipped with the defaults below as migration data.
/// </summary>
public sealed class DiscountDefaults
{
    /// <summary>The id of the only row.</summary>
    public const int SingleRowId = 1;

    public const int DefaultNonprofitPercent = 40;
    public const int DefaultEducationalPercent = 40;
    public const int DefaultGovernmentalPercent = 20;
    public const int DefaultCrossGradePercent = 25;
    public const int DefaultValidityDays = 365;

    /// <summary>Ten years, so that a default validity is always a sensible date.</summary>
    public const int MaxValidityDays = 3650;

    private DiscountDefaults()
    {
    }

    public int Id { get; private set; }
    public int NonprofitPercent { get; private set; }
    public int EducationalPercent { get; private set; }
    public int GovernmentalPercent { get; private set; }
    public int CrossGradePercent { get; private set; }

    /// <summary>How long an approval is valid unless sales chooses another date.</summary>
    public int ValidityDays { get; private set; }

    /// <summary>Concurrency token: two admins changing the defaults at the same moment cannot both succeed.</summary>
    public Guid Version { get; private set; }

    public int PercentFor(DiscountKind kind) => kind switch
    {
        DiscountKind.Nonprofit => NonprofitPercent,
        DiscountKind.Educational => EducationalPercent,
        DiscountKind.Governmental => GovernmentalPercent,
        DiscountKind.CrossGrade => CrossGradePercent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The row as the migration ships it.</summary>
    internal static object SeedRow => new
    {
        Id = SingleRowId,
        NonprofitPercent = DefaultNonprofitPercent,
        EducationalPercent = DefaultEducationalPercent,
        GovernmentalPercent = DefaultGovernmentalPercent,
        CrossGradePercent = DefaultCrossGradePercent,
        ValidityDays = DefaultValidityDays,
        Version = new Guid("0197a3c1-5d00-7000-8000-000000000001"),
    };

    /// <summary>What is wrong with a percentage (null when it is fine), for forms and for <see cref="ChangePercent"/>.</summary>
    public static string? CheckPercent(int percent) =>
        percent is < 1 or > 100 ? "A discount is between 1 and 100 percent." : null;

    /// <summary>What is wrong with a validity (null when it is fine), for forms and for <see cref="ChangeValidityDays"/>.</summary>
    public static string? CheckValidityDays(int days) =>
        days is < 1 or > MaxValidityDays ? $"An approval is valid for between 1 and {MaxValidityDays} days." : null;

    /// <summary>Admin: a new default percentage for one kind; returns the one it replaces.</summary>
    public int ChangePercent(DiscountKind kind, int percent)
    {
        if (CheckPercent(percent) is { } problem)
            throw new DomainException(problem);
        var previous = PercentFor(kind);
        if (previous == percent)
            throw new DomainException($"The {DiscountService.Describe(kind).ToLowerInvariant()} discount already starts at {percent} %.");
        switch (kind)
        {
            case DiscountKind.Nonprofit: NonprofitPercent = percent; break;
            case DiscountKind.Educational: EducationalPercent = percent; break;
            case DiscountKind.Governmental: GovernmentalPercent = percent; break;
            case DiscountKind.CrossGrade: CrossGradePercent = percent; break;
        }
        Version = Guid.NewGuid();
        return previous;
    }

    /// <summary>Admin: a new default validity; returns the one it replaces.</summary>
    public int ChangeValidityDays(int days)
    {
        if (CheckValidityDays(days) is { } problem)
            throw new DomainException(problem);
        var previous = ValidityDays;
        if (previous == days)
            throw new DomainException($"Approvals are already valid for {days} days by default.");
        ValidityDays = days;
        Version = Guid.NewGuid();
        return previous;
    }
}
