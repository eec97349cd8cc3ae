using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Role × action, straight at the domain services (as a call that bypasses every page and menu would): Sales decides
/// discounts, special prices on quotes and keys on invoice, Support decides extensions and re-sends registrations,
/// Admin does all of it and the rest (the quote terms among it); a customer does none of it. A refused action stores
/// nothing.
/// </summary>
public sealed class StaffPermissionTests
{
    public static TheoryData<string, string, bool> Matrix()
    {
        var allowed = new Dictionary<string, string[]>
        {
            ["approve a discount"] = [Roles.Sales, Roles.Admin],
            ["deny a discount"] = [Roles.Sales, Roles.Admin],
            ["grant an extension"] = [Roles.Support, Roles.Admin],
            ["deny an extension"] = [Roles.Support, Roles.Admin],
            ["re-send another organization's registration"] = [Roles.Support, Roles.Admin],
            ["grant a complimentary license"] = [Roles.Admin],
            ["import an existing license"] = [Roles.Admin],
            ["change the catalog"] = [Roles.Admin],
            ["give a quote a special price"] = [Roles.Sales, Roles.Admin],
            ["trust an organization with keys on invoice"] = [Roles.Sales, Roles.Admin],
            ["change the quote terms"] = [Roles.Admin],
            ["create a staff account"] = [Roles.Admin],
            ["publish a new signing key"] = [Roles.Admin],
        };
        var data = new TheoryData<string, string, bool>();
        foreach (var (action, roles) in allowed)
            foreach (var role in Roles.All)
                data.Add(action, role, roles.Contains(role));
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_staff_action_is_done_only_by_its_roles(string action, string role, bool allowed)
    {
        await using var fx = await DomainFixture.CreateAsync();
        var actor = Actor.Person($"{role.ToLowerInvariant()}-1", $"{role.ToLowerInvariant()}@keymetric.example", role);
        var perform = await PrepareAsync(fx, action);
        var before = await CountsAsync(fx);

        var refused = await Record.ExceptionAsync(() => perform(actor));

        if (allowed)
        {
            Assert.Null(refused);
            Assert.NotEqual(before, await CountsAsync(fx));
        }
        else
        {
            Assert.IsType<DomainException>(refused);
            Assert.Equal(before, await CountsAsync(fx));
        }
    }

    /// <summary>Sets up what the action needs (a pending request, a license) and returns the action itself.</summary>
    private static async Task<Func<Actor, Task>> PrepareAsync(DomainFixture fx, string action)
    {
        var discounts = fx.Get<DiscountService>();
        var evaluations = fx.Get<EvaluationService>();
        switch (action)
        {
            case "approve a discount":
                var toApprove = await discounts.SubmitAsync(fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 1234", [], DomainFixture.CustomerIn(fx.Contoso.Id));
                return actor => discounts.ApproveAsync(toApprove.Id, 40, null, null, actor);
            case "deny a discount":
                var toDeny = await discounts.SubmitAsync(fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 1234", [], DomainFixture.CustomerIn(fx.Contoso.Id));
                return actor => discounts.DenyAsync(toDeny.Id, "No evidence", actor);
            case "grant an extension":
                var toGrant = await ExtensionRequestAsync(fx);
                return actor => evaluations.GrantAsync(toGrant.Id, 10, null, actor);
            case "deny an extension":
                var toRefuse = await ExtensionRequestAsync(fx);
                return actor => evaluations.DenyAsync(toRefuse.Id, "Please buy", actor);
            case "re-send another organization's registration":
                await fx.PurchaseAsync(fx.Contoso, 10);
                return async actor =>
                {
                    await using var db = fx.Db();
                    await fx.Get<RegistrationEmail>().ResendAsync(db, fx.Contoso.Id, null, actor);
                };
            case "grant a complimentary license":
                return async actor =>
                {
                    await using var db = fx.Db();
                    await fx.Get<LicensingService>().GrantComplimentaryAsync(db, fx.Contoso.Id, fx.OfficeStatus.Id, 6, 5, "Partner programme", actor);
                };
            case "import an existing license":
                return async actor =>
                {
                    await using var db = fx.Db();
                    await fx.Get<LicensingService>().ImportAsync(db,
                        new ExistingLicense(fx.Contoso.Id, fx.OfficeStatus.Id, 5, 10, new DateOnly(2024, 3, 1), "INV-1"), actor);
                };
            case "change the catalog":
                return actor => fx.Get<CatalogService>().ChangeUpgradePercentAsync(fx.OfficeStatus.Id, 45, actor);
            case "give a quote a special price":
                var quote = await fx.Quote().Packs((10, 1)).CreateAsync();
                return actor => fx.Get<QuoteService>().GiveSpecialPriceAsync(quote.Id, 10, "Framework agreement", actor);
            case "trust an organization with keys on invoice":
                return actor => fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(fx.Contoso.Id, true, "Paid every invoice on time", actor);
            case "change the quote terms":
                return actor => fx.Get<QuoteService>().ChangeTermsAsync(45, 30, 25, actor);
            case "publish a new signing key":
                return actor => fx.Get<SigningKeyStore>().PublishNewKeyAsync(actor);
            case "create a staff account":
                return actor => fx.Get<StaffAccounts>().CreateAsync("new.colleague@keymetric.example", Roles.Support, actor);
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "No such staff action in this test.");
        }
    }

    private static async Task<ExtensionRequest> ExtensionRequestAsync(DomainFixture fx)
    {
        var evaluations = fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(fx.Contoso.Id, fx.OfficeStatus.Id, DomainFixture.CustomerIn(fx.Contoso.Id));
        return await evaluations.RequestExtensionAsync(fx.Contoso.Id, evaluation.Id, 10, "Pilot", DomainFixture.CustomerIn(fx.Contoso.Id));
    }

    /// <summary>What a staff action leaves behind: audit events, queued emails, licenses, staff accounts and signing keys.</summary>
    private static async Task<(int Events, int Emails, int Licenses, int Users, int Keys)> CountsAsync(DomainFixture fx)
    {
        await using var db = fx.Db();
        return (await db.AuditEvents.CountAsync(), await db.OutboxMessages.CountAsync(), await db.Licenses.CountAsync(),
            await db.Users.CountAsync(), await db.SigningKeys.CountAsync());
    }
}
