namespace Portal.Domain.Catalog;

/// <summary>
/// A product's evaluation terms (R9), kept by an admin in the catalog: how long a new evaluation runs, the seats its key
/// allows, and the most support may grant in one extension and over an evaluation's whole life (an admin may exceed both).
/// </summary>
public sealed record EvaluationTerms
{
    /// <summary>Ten years: an upper bound that keeps every expiry a sensible date.</summary>
    public const int MaxDays = 3650;

    public const int MaxSeats = 100_000;

    /// <summary>What a new product starts with: 30 days, 250 users, 30 more days at a time, 90 days in all.</summary>
    public static EvaluationTerms Default { get; } = new(30, 250, 30, 90);

    private EvaluationTerms(int evaluationDays, int seats, int maxExtensionDays, int maxEvaluationDays)
    {
        EvaluationDays = evaluationDays;
        Seats = seats;
        MaxExtensionDays = maxExtensionDays;
        MaxEvaluationDays = maxEvaluationDays;
    }

    /// <summary>Length of a new evaluation in days.</summary>
    public int EvaluationDays { get; private init; }

    /// <summary>Seats an evaluation key allows, enough for a realistic trial installation.</summary>
    public int Seats { get; private init; }

    /// <summary>The most days support may grant in one extension; an admin may grant more.</summary>
    public int MaxExtensionDays { get; private init; }

    /// <summary>The longest an evaluation may run from its start, extensions included; an admin may exceed it.</summary>
    public int MaxEvaluationDays { get; private init; }

    /// <summary>Consistent terms, or a <see cref="DomainException"/> with what is wrong.</summary>
    public static EvaluationTerms Create(int evaluationDays, int seats, int maxExtensionDays, int maxEvaluationDays)
    {
        var problems = Check(evaluationDays, seats, maxExtensionDays, maxEvaluationDays);
        if (problems.Count > 0)
            throw new DomainException(string.Join(" ", problems.Values));
        return new EvaluationTerms(evaluationDays, seats, maxExtensionDays, maxEvaluationDays);
    }

    /// <summary>What is wrong with these terms, by property name (empty when they are consistent), for forms and for <see cref="Create"/>.</summary>
    public static IReadOnlyDictionary<string, string> Check(int evaluationDays, int seats, int maxExtensionDays, int maxEvaluationDays)
    {
        var problems = new Dictionary<string, string>();
        if (evaluationDays is < 1 or > MaxDays)
            problems[nameof(EvaluationDays)] = $"An evaluation lasts between 1 and {MaxDays} days.";
        if (seats is < 1 or > MaxSeats)
            problems[nameof(Seats)] = $"An evaluation key allows between 1 and {MaxSeats} users.";
        if (maxEvaluationDays is < 1 or > MaxDays)
            problems[nameof(MaxEvaluationDays)] = $"The longest evaluation is between 1 and {MaxDays} days.";
        else if (maxEvaluationDays < evaluationDays)
            problems[nameof(MaxEvaluationDays)] = $"The longest evaluation cannot be shorter than a new one ({evaluationDays} days).";
        if (maxExtensionDays < 1)
            problems[nameof(MaxExtensionDays)] = "Support must be able to grant at least 1 day.";
        else if (maxExtensionDays > maxEvaluationDays)
            problems[nameof(MaxExtensionDays)] = $"One extension cannot be longer than the longest evaluation ({maxEvaluationDays} days).";
        return problems;
    }

    /// <summary>The terms that differ from <paramref name="before"/>, as "what: before → after" phrases for the history.</summary>
    public IReadOnlyList<string> ChangesFrom(EvaluationTerms before)
    {
        var changes = new List<string>();
        void Compare(string what, int old, int now)
        {
            if (old != now)
                changes.Add($"{what} {old} → {now}");
        }
        Compare("evaluation days", before.EvaluationDays, EvaluationDays);
        Compare("evaluation users", before.Seats, Seats);
        Compare("most days per extension", before.MaxExtensionDays, MaxExtensionDays);
        Compare("longest evaluation in days", before.MaxEvaluationDays, MaxEvaluationDays);
        return changes;
    }
}
