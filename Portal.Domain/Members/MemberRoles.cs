namespace Portal.Domain.Members;

/// <summary>
/// What a member of an organization may change (docs/rules.md#members). A member with no role reads everything of the
/// organization and changes nothing; an Owner may do everything, including managing the members.
/// </summary>
[Flags]
public enum MemberRoles
{
    None = 0,

    /// <summary>Everything, including inviting, removing and changing the roles of members.</summary>
    Owner = 1,

    /// <summary>Buying and upgrading, orders, quotes and invoices, discount applications, the billing profile.</summary>
    Billing = 2,

    /// <summary>Licenses and their keys, the evaluation and its extensions.</summary>
    Technical = 4,
}

public static class MemberRolesExtensions
{
    /// <summary>Every role a member can hold, in the order pages list them.</summary>
    public static IReadOnlyList<MemberRoles> Each { get; } = [MemberRoles.Owner, MemberRoles.Billing, MemberRoles.Technical];

    private const MemberRoles Known = MemberRoles.Owner | MemberRoles.Billing | MemberRoles.Technical;

    /// <summary>Whether roles held allow an action that needs one of <paramref name="needed"/>: an Owner may do everything.</summary>
    public static bool Allow(this MemberRoles held, MemberRoles needed) =>
        held.HasFlag(MemberRoles.Owner) || (held & needed) != MemberRoles.None;

    /// <summary>The single roles in the set, in <see cref="Each"/> order.</summary>
    public static IReadOnlyList<MemberRoles> Split(this MemberRoles roles) => Each.Where(role => roles.HasFlag(role)).ToList();

    /// <summary>"Owner, Billing", or "No role" for a member who only reads.</summary>
    public static string Describe(this MemberRoles roles) =>
        roles == MemberRoles.None ? "No role" : string.Join(", ", roles.Split());

    /// <summary>Refuses a set with bits that are no role (a tampered form).</summary>
    public static MemberRoles EnsureKnown(this MemberRoles roles) =>
        (roles & ~Known) == MemberRoles.None ? roles : throw new DomainException("Choose the roles from the list: Owner, Billing or Technical.");

    /// <summary>Reads a role's name from a sign-in claim; null for anything else.</summary>
    public static MemberRoles? Parse(string name) =>
        Enum.TryParse<MemberRoles>(name, ignoreCase: false, out var role) && Each.Contains(role) ? role : null;
}
