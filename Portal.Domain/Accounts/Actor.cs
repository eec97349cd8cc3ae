using Portal.Domain.Members;

namespace Portal.Domain.Accounts;

/// <summary>
/// Who does something: a signed-in person with their roles, or the system itself (Stripe events, workers). A customer
/// acts in one organization at a time, with the roles they hold there (<see cref="Member"/>).
/// </summary>
public sealed record Actor(string? UserId, string Name, IReadOnlySet<string> Roles)
{
    public static Actor System { get; } = new(null, "Portal", new HashSet<string>());
    public static Actor Stripe { get; } = new(null, "Stripe", new HashSet<string>());

    public static Actor Person(string userId, string name, params IEnumerable<string> roles) => new(userId, name, roles.ToHashSet());

    /// <summary>The organization the person acts in and their roles there; null for staff, the system and visitors.</summary>
    public ActingMember? Member { get; init; }

    /// <summary>The same person acting as a member of the organization with the given roles.</summary>
    public Actor In(Guid organizationId, MemberRoles roles) => this with { Member = new ActingMember(organizationId, roles) };

    public bool IsAdmin => Roles.Contains(Accounts.Roles.Admin);

    public bool IsIn(params IEnumerable<string> roles) => roles.Any(Roles.Contains);

    /// <summary>Throws unless the actor has one of the roles (an Admin always qualifies).</summary>
    public void Require(string action, params string[] roles)
    {
        if (!IsAdmin && !IsIn(roles))
            throw new DomainException($"Only {string.Join(" or ", roles)} staff can {action}.");
    }

    /// <summary>
    /// Throws unless the actor acts in the organization and holds one of <paramref name="roles"/> there (an Owner always
    /// qualifies; <see cref="MemberRoles.None"/> asks only for membership, as reading does). Staff roles do not count:
    /// what a customer does, only the customer's members may.
    /// </summary>
    public void Require(Guid organizationId, string action, MemberRoles roles)
    {
        if (Member is not { } member || member.OrganizationId != organizationId)
            throw new DomainException($"Only members of the organization can {action}.");
        if (roles != MemberRoles.None && !member.Roles.Allow(roles))
            throw new DomainException($"Only members with the {Needed(roles)} role can {action}. Ask an owner of your organization for it.");
    }

    private static string Needed(MemberRoles roles) =>
        string.Join(" or ", (roles | MemberRoles.Owner).Split().Reverse());
}

/// <summary>The organization a person acts in and the roles they hold there.</summary>
public sealed record ActingMember(Guid OrganizationId, MemberRoles Roles);
