namespace Portal.Domain.Accounts;

/// <summary>Who does something: a signed-in person with their roles, or the system itself (Stripe events, workers).</summary>
public sealed record Actor(string? UserId, string Name, IReadOnlySet<string> Roles)
{
    public static Actor System { get; } = new(null, "Portal", new HashSet<string>());
    public static Actor Stripe { get; } = new(null, "Stripe", new HashSet<string>());

    public static Actor Person(string userId, string name, params IEnumerable<string> roles) => new(userId, name, roles.ToHashSet());

    public bool IsAdmin => Roles.Contains(Accounts.Roles.Admin);

    public bool IsIn(params IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>Throws unless the actor has one of the roles (an Admin always qualifies).</summary>
    public void Require(string action, params string[] roles)
    {
        if (!IsAdmin && !IsIn(roles))
            throw new DomainException($"Only {string.Join(" or ", roles)} staff can {action}.");
    }
}
