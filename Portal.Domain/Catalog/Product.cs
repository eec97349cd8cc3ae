namespace Portal.Domain.Catalog;

/// <summary>A licensed product, sold in seat packs for its current major version only (R3).</summary>
public sealed class Product
{
    public const int DefaultUpgradePercent = 50;
    private readonly List<SeatPack> _packs = [];

    private Product(Guid id, string code, string name, int currentMajor, int currentMinor, string currency, int upgradePercent)
    {
        Id = id;
        Code = code;
        Name = name;
        CurrentMajor = currentMajor;
        CurrentMinor = currentMinor;
        Currency = currency;
        UpgradePercent = upgradePercent;
        Evaluation = EvaluationTerms.Default;
        Version = Guid.NewGuid();
    }

    public Guid Id { get; private set; }

    /// <summary>Stable machine name, used as the audience of license keys.</summary>
    public string Code { get; private set; }

    public string Name { get; private set; }
    public int CurrentMajor { get; private set; }
    public int CurrentMinor { get; private set; }

    /// <summary>ISO 4217 code of every price of this product.</summary>
    public string Currency { get; private set; }

    /// <summary>Share of the current list price that an upgrade from an older major costs (R6).</summary>
    public int UpgradePercent { get; private set; }

    /// <summary>How this product is evaluated (R9): length, seats and the caps on extensions.</summary>
    public EvaluationTerms Evaluation { get; private set; }

    public IReadOnlyList<SeatPack> Packs => _packs;

    /// <summary>Concurrency token: two admins changing the product at the same moment cannot both succeed.</summary>
    public Guid Version { get; private set; }

    public string CurrentVersion => $"{CurrentMajor}.{CurrentMinor}";

    /// <summary>A new product, with <see cref="EvaluationTerms.Default"/> evaluation terms until an admin changes them.</summary>
    public static Product Create(string code, string name, int currentMajor, int currentMinor, string currency, int upgradePercent = DefaultUpgradePercent)
    {
        if (string.IsNullOrWhiteSpace(code) || !code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new DomainException("A product code uses lower-case letters, digits and hyphens only.");
        if (string.IsNullOrWhiteSpace(name))
            throw new DomainException("A product needs a name.");
        if (currentMajor < 1 || currentMinor < 0)
            throw new DomainException("A product version is a major of at least 1 and a minor of at least 0.");
        if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetter))
            throw new DomainException("A currency is a three-letter ISO 4217 code such as USD.");
        if (CheckUpgradePercent(upgradePercent) is { } problem)
            throw new DomainException(problem);

        return new Product(Guid.CreateVersion7(), code, name.Trim(), currentMajor, currentMinor, currency.ToUpperInvariant(), upgradePercent);
    }

    /// <summary>
    /// Admin: a new release. A new minor changes nothing for license holders (R5); a new major makes older licenses
    /// upgradable and is the only one sold from then on (R3).
    /// </summary>
    public void Release(int major, int minor)
    {
        if (CheckRelease(major, minor) is { } problem)
            throw new DomainException(problem);
        CurrentMajor = major;
        CurrentMinor = minor;
        Changed();
    }

    /// <summary>Why <paramref name="major"/>.<paramref name="minor"/> cannot be released (null when it can), for forms and for <see cref="Release"/>.</summary>
    public string? CheckRelease(int major, int minor)
    {
        if (major < 1 || minor < 0)
            return "A version is a major of at least 1 and a minor of at least 0.";
        if (major < CurrentMajor || (major == CurrentMajor && minor <= CurrentMinor))
            return $"{major}.{minor} is not newer than the current version {CurrentVersion}.";
        return null;
    }

    /// <summary>What is wrong with an upgrade percentage (null when it is fine), for forms and for the methods that take one.</summary>
    public static string? CheckUpgradePercent(int upgradePercent) =>
        upgradePercent is < 0 or > 100 ? "The upgrade price is a percentage between 0 and 100." : null;

    public void ChangeUpgradePercent(int upgradePercent)
    {
        if (CheckUpgradePercent(upgradePercent) is { } problem)
            throw new DomainException(problem);
        if (upgradePercent == UpgradePercent)
            throw new DomainException($"{Name} upgrades already cost {upgradePercent} % of the list price.");
        UpgradePercent = upgradePercent;
        Changed();
    }

    public SeatPack AddPack(int seats, Money listPrice)
    {
        EnsureInCurrency(listPrice);
        if (_packs.Any(pack => pack.Seats == seats))
            throw new DomainException($"{Name} already has a {seats}-user pack.");
        var pack = new SeatPack(Id, seats, listPrice);
        _packs.Add(pack);
        Changed();
        return pack;
    }

    /// <summary>
    /// Admin: a new list price for one pack size. Quotes and orders made from now on use it; placed orders keep the
    /// prices frozen in their lines. Returns the price it replaces.
    /// </summary>
    public Money ChangePackPrice(int seats, Money listPrice)
    {
        EnsureInCurrency(listPrice);
        var pack = _packs.SingleOrDefault(p => p.Seats == seats)
            ?? throw new DomainException($"{Name} has no {seats}-user pack.");
        if (pack.ListPrice == listPrice)
            throw new DomainException($"The {seats}-user pack already costs {listPrice}.");
        var previous = pack.ListPrice;
        pack.ChangePrice(listPrice);
        Changed();
        return previous;
    }

    /// <summary>Admin: new evaluation terms; they apply to evaluations started, asked about or decided from now on.</summary>
    public void ChangeEvaluationTerms(EvaluationTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms == Evaluation)
            throw new DomainException($"These already are the evaluation terms of {Name}.");
        Evaluation = terms;
        Changed();
    }

    // Each pack stores its price with its currency; the product keeps them all in its own.
    private void EnsureInCurrency(Money listPrice)
    {
        if (listPrice.Currency != Currency)
            throw new DomainException($"{Name} is priced in {Currency}, not {listPrice.Currency}.");
    }

    private void Changed() => Version = Guid.NewGuid();
}
