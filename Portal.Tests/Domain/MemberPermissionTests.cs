using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Member role × action, straight at the domain services (as a call that bypasses every page and menu would): Billing
/// buys, asks for, re-quotes, accepts and re-sends quotes, applies for discounts and keeps the profile and billing
/// details; Technical runs the evaluation and has the registration email sent again; only owners manage the members;
/// an owner may do everything, and any member may leave. Roles count only in the organization the person acts in: a member of another organization may do nothing here, and a person in both may act
/// here only while acting in this one, with the roles they hold here. A refused action stores nothing.
/// </summary>
public sealed class MemberPermissionTests
{
    private const string Owner = "Owner";
    private const string Billing = "Billing";
    private const string Technical = "Technical";
    private const string NoRole = "no role";
    private const string OfAnotherOrganization = "a member of another organization";
    private const string InBothActingHere = "in both organizations, acting in this one (Technical here)";
    private const string InBothActingThere = "in both organizations, acting in the other (Owner there)";

    private static readonly string[] Principals = [Owner, Billing, Technical, NoRole, OfAnotherOrganization, InBothActingHere, InBothActingThere];

    public static TheoryData<string, string, bool> Matrix()
    {
        string[] billing = [Owner, Billing];
        string[] technical = [Owner, Technical, InBothActingHere];
        var allowed = new Dictionary<string, string[]>
        {
            ["place an order"] = billing,
            ["apply for a discount"] = billing,
            ["start an evaluation"] = technical,
            ["ask for an evaluation extension"] = technical,
            ["change the profile"] = billing,
            ["change the billing details"] = billing,
            ["ask for a quote"] = billing,
            ["ask for an expired quote again"] = billing,
            ["accept a quote"] = billing,
            ["send a quote again"] = billing,
            ["re-send the registration email"] = technical,
            ["invite a member"] = [Owner],
            ["withdraw an invitation"] = [Owner],
            ["change a member's roles"] = [Owner],
            ["remove a member"] = [Owner],
            ["leave"] = [Owner, Billing, Technical, NoRole, InBothActingHere],
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var (action, principals) in allowed)
            foreach (var principal in Principals)
                data.Add(action, principal, principals.Contains(principal));
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_member_action_is_done_only_by_the_roles_it_needs_in_the_organization_acted_in(string action, string principal, bool allowed)
    {
        await using var fx = await DomainFixture.CreateAsync();
        var people = await People.CreateAsync(fx);
        var perform = await PrepareAsync(fx, people, action);
        var before = await RowsAsync(fx);

        var refused = await Record.ExceptionAsync(() => perform(people.Acting(principal)));

        var changed = DatabaseRows.ChangedTables(before, await RowsAsync(fx));
        if (allowed)
        {
            Assert.Null(refused);
            Assert.NotEmpty(changed);
        }
        else
        {
            Assert.IsType<DomainException>(refused);
            Assert.Empty(changed);
        }
    }

    /// <summary>
    /// Contoso's members, one per role, with a second owner (so that an owner may leave) and a Technical member to act on;
    /// Fabrikam's owner; and a consultant who is Technical in Contoso and Owner in Fabrikam.
    /// </summary>
    private sealed record People(
        Guid Contoso, Guid Fabrikam, PortalUser SecondOwner, PortalUser Owner, PortalUser Billing, PortalUser Technical,
        PortalUser NoRole, PortalUser ToActOn, PortalUser FabrikamOwner, PortalUser Consultant)
    {
        public static async Task<People> CreateAsync(DomainFixture fx)
        {
            var contoso = fx.Contoso.Id;
            var fabrikam = (await fx.AddOrganizationAsync("Fabrikam")).Id;
            await using var db = fx.Db();
            var consultant = Member(db, "dora@consulting.example", contoso, MemberRoles.Technical);
            consultant.JoinAs(db, fabrikam, MemberRoles.Owner);
            var people = new People(
                contoso, fabrikam,
                SecondOwner: Member(db, "olivia@contoso.example", contoso, MemberRoles.Owner),
                Owner: Member(db, "ana@contoso.example", contoso, MemberRoles.Owner),
                Billing: Member(db, "bill@contoso.example", contoso, MemberRoles.Billing),
                Technical: Member(db, "tess@contoso.example", contoso, MemberRoles.Technical),
                NoRole: Member(db, "nora@contoso.example", contoso, MemberRoles.None),
                ToActOn: Member(db, "tom@contoso.example", contoso, MemberRoles.Technical),
                FabrikamOwner: Member(db, "fay@fabrikam.example", fabrikam, MemberRoles.Owner),
                Consultant: consultant);
            await db.SaveChangesAsync();
            return people;
        }

        /// <summary>The second owner of Contoso, for what the actions need beforehand.</summary>
        public Actor Preparer => Act(SecondOwner, Contoso, MemberRoles.Owner);

        public Actor Acting(string principal) => principal switch
        {
            MemberPermissionTests.Owner => Act(Owner, Contoso, MemberRoles.Owner),
            MemberPermissionTests.Billing => Act(Billing, Contoso, MemberRoles.Billing),
            MemberPermissionTests.Technical => Act(Technical, Contoso, MemberRoles.Technical),
            MemberPermissionTests.NoRole => Act(NoRole, Contoso, MemberRoles.None),
            OfAnotherOrganization => Act(FabrikamOwner, Fabrikam, MemberRoles.Owner),
            InBothActingHere => Act(Consultant, Contoso, MemberRoles.Technical),
            InBothActingThere => Act(Consultant, Fabrikam, MemberRoles.Owner),
            _ => throw new ArgumentOutOfRangeException(nameof(principal), principal, "No such principal in this test."),
        };

        private static Actor Act(PortalUser user, Guid organizationId, MemberRoles roles) =>
            Actor.Person(user.Id, user.Email!, Roles.Customer).In(organizationId, roles);

        private static PortalUser Member(PortalDbContext db, string email, Guid organizationId, MemberRoles roles)
        {
            var user = new PortalUser
            {
                UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
            };
            user.JoinAs(db, organizationId, roles);
            db.Users.Add(user);
            return user;
        }
    }

    /// <summary>Sets up what the action needs (a license, an evaluation, an invitation) and returns the action itself, on Contoso.</summary>
    private static async Task<Func<Actor, Task>> PrepareAsync(DomainFixture fx, People people, string action)
    {
        var members = fx.Get<MembershipService>();
        var contoso = people.Contoso;
        switch (action)
        {
            case "place an order":
                return actor => fx.Get<OrderService>().PlaceAsync(contoso, actor, actor.Name, fx.Cart((5, 1)));
            case "apply for a discount":
                return actor => fx.Get<DiscountService>().SubmitAsync(contoso, DiscountKind.Nonprofit, "Charity 1234", [], actor);
            case "start an evaluation":
                return actor => fx.Get<EvaluationService>().StartAsync(contoso, fx.OfficeStatus.Id, actor);
            case "ask for an evaluation extension":
                var evaluation = await fx.Get<EvaluationService>().StartAsync(contoso, fx.OfficeStatus.Id, people.Preparer);
                return actor => fx.Get<EvaluationService>().RequestExtensionAsync(contoso, evaluation.Id, 10, "Pilot", actor);
            case "change the profile":
                return actor => fx.Get<OrganizationService>().UpdateProfileAsync(
                    contoso, "Contoso Group", OrganizationKind.Commercial, "GB", "billing@contoso.example", actor);
            case "change the billing details":
                return actor => fx.Get<OrganizationService>().ChangeBillingDetailsAsync(contoso, QuoteBuilder.Address, null, false, actor);
            case "ask for a quote":
                return actor => fx.Get<QuoteService>().CreateAsync(contoso, actor, actor.Name, fx.Cart((5, 1)));
            case "ask for an expired quote again":
                var expired = await fx.Quote().By(people.Preparer).Packs((5, 1)).CreateAsync();
                fx.Clock.Advance(TimeSpan.FromDays(QuoteTerms.DefaultValidityDays));
                return actor => fx.Get<QuoteService>().RequoteAsync(contoso, expired.Id, actor, actor.Name);
            case "accept a quote":
                var toAccept = await fx.Quote().By(people.Preparer).Packs((5, 1)).CreateAsync();
                return actor => fx.Get<QuoteService>().AcceptAsync(contoso, toAccept.Id, actor, actor.Name, QuoteBuilder.Acceptance(PaymentMethod.Invoice));
            case "send a quote again":
                var toSend = await fx.Quote().By(people.Preparer).Packs((5, 1)).CreateAsync();
                return actor => fx.Get<QuoteService>().SendAgainAsync(contoso, toSend.Id, actor);
            case "re-send the registration email":
                await fx.PurchaseAsync(fx.Contoso, 10);
                return async actor =>
                {
                    await using var db = fx.Db();
                    await fx.Get<RegistrationEmail>().ResendAsync(db, contoso, actor.Name, actor);
                };
            case "invite a member":
                return actor => members.InviteAsync(contoso, "new@contoso.example", MemberRoles.Billing, actor, Link);
            case "withdraw an invitation":
                var invitation = await members.InviteAsync(contoso, "new@contoso.example", MemberRoles.Billing, people.Preparer, Link);
                return actor => members.WithdrawAsync(contoso, invitation.Id, actor);
            case "change a member's roles":
                return actor => members.ChangeRolesAsync(contoso, people.ToActOn.Id, MemberRoles.Billing, actor);
            case "remove a member":
                return actor => members.RemoveAsync(contoso, people.ToActOn.Id, actor);
            case "leave":
                return actor => members.LeaveAsync(contoso, actor);
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "No such member action in this test.");
        }
    }

    private static Uri Link(string token) => new($"https://portal.example/invitations/{token}");

    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RowsAsync(DomainFixture fx)
    {
        await using var db = fx.Db();
        return await DatabaseRows.ReadAsync(db);
    }
}
