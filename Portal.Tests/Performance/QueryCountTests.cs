using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Performance;

/// <summary>
/// Issue 9, no N+1: the dashboard, the license list page and the history page send the same number of SQL commands
/// for a small organization and for a large one. A query per row (an N+1) makes the large one send more. Not timed:
/// it counts the commands EF sends (<see cref="SqlCommandCounter"/>).
/// </summary>
public sealed class QueryCountTests(QueryCountTests.TwoOrganizations organizations) : IClassFixture<QueryCountTests.TwoOrganizations>
{
    [Fact]
    public async Task The_dashboard_sends_as_many_commands_for_many_licenses_members_discounts_events_and_installations_as_for_few()
    {
        var (small, smallCommands) = await organizations.CountAsync(organizations.Small, (db, id) =>
            CustomerDashboard.LoadAsync(db, id, organizations.Now));
        var (large, largeCommands) = await organizations.CountAsync(organizations.Large, (db, id) =>
            CustomerDashboard.LoadAsync(db, id, organizations.Now));

        // The large organization really has more of every row the dashboard reads per row.
        Assert.Equal((3, 45), (small!.Overview.Seats.Sum(s => s.Licenses), large!.Overview.Seats.Sum(s => s.Licenses)));
        Assert.Equal((1, 15), (small.Overview.UpgradableLicenses, large.Overview.UpgradableLicenses));
        Assert.Equal((1, 10), (small.Members.Count, large.Members.Count));
        Assert.Equal((1, 1), (small.Overview.Evaluations.Count, large.Overview.Evaluations.Count));
        Assert.NotNull(small.Overview.UsableDiscount);
        Assert.NotNull(large.Overview.UsableDiscount);
        Assert.Equal((1, 5), (small.Installations.Count, large.Installations.Count));
        Assert.Equal((1, 15), (small.Installations.Sum(i => i.Keys.Count), large.Installations.Sum(i => i.Keys.Count)));
        AssertSameCount(smallCommands, largeCommands);
    }

    [Fact]
    public async Task A_license_list_page_sends_as_many_commands_for_60_licenses_as_for_4()
    {
        var query = new LicenseListQuery(PageSize: LicenseQueries.MaxPageSize);
        var (small, smallCommands) = await organizations.CountAsync(organizations.Small, (db, id) => LicenseQueries.ListAsync(db, id, query));
        var (large, largeCommands) = await organizations.CountAsync(organizations.Large, (db, id) => LicenseQueries.ListAsync(db, id, query));

        // Every license is on the page, upgraded ones with the license that replaced them.
        Assert.Equal((4, 60), (small.Rows.Count, large.Rows.Count));
        Assert.Equal((1, 15), (small.Rows.Count(r => r.ReplacedByMajor is not null), large.Rows.Count(r => r.ReplacedByMajor is not null)));
        AssertSameCount(smallCommands, largeCommands);
    }

    [Fact]
    public async Task A_history_page_sends_as_many_commands_for_300_events_as_for_10()
    {
        var (small, smallCommands) = await organizations.CountAsync(organizations.Small, (db, id) =>
            AuditLog.LicenseHistoryAsync(db, id, page: 1, pageSize: AuditLog.MaxPageSize));
        var (large, largeCommands) = await organizations.CountAsync(organizations.Large, (db, id) =>
            AuditLog.LicenseHistoryAsync(db, id, page: 1, pageSize: AuditLog.MaxPageSize));

        Assert.Equal((10, 100), (small.Entries.Count, large.Entries.Count));
        AssertSameCount(smallCommands, largeCommands);
    }

    private static void AssertSameCount(IReadOnlyList<string> small, IReadOnlyList<string> large)
    {
        Assert.NotEmpty(small);
        Assert.True(small.Count == large.Count,
            $"{small.Count} SQL commands for the small organization but {large.Count} for the large one: a query per row?\n"
            + $"Large organization's commands:\n{string.Join("\n---\n", large)}");
    }

    /// <summary>
    /// One database with a small and a large organization of the same shape: Contoso holds one of each kind of row,
    /// Fabrikam 15 (or 10, or 4) times as many. Seeded once for the class; the tests only read.
    /// </summary>
    public sealed class TwoOrganizations : IAsyncLifetime
    {
        private DomainFixture _fx = null!;

        public Organization Small => _fx.Contoso;
        public Organization Large { get; private set; } = null!;
        public DateTimeOffset Now => _fx.Clock.GetUtcNow();

        public async Task InitializeAsync()
        {
            _fx = await DomainFixture.CreateAsync();
            Large = await _fx.AddOrganizationAsync("Fabrikam Inc");
            await SeedAsync(Small, groups: 1, members: 1, approvedDiscounts: 1, events: 10, installations: 1);
            await SeedAsync(Large, groups: 15, members: 10, approvedDiscounts: 4, events: 300, installations: 5);
        }

        public async Task DisposeAsync() => await _fx.DisposeAsync();

        /// <summary>Runs a query on a context of its own and returns its result with the SQL commands it sent.</summary>
        public async Task<(T Result, IReadOnlyList<string> Commands)> CountAsync<T>(Organization organization, Func<PortalDbContext, Guid, Task<T>> query)
        {
            var counter = new SqlCommandCounter();
            await using var db = _fx.Db(counter);
            var result = await query(db, organization.Id);
            return (result, counter.Commands);
        }

        /// <summary>
        /// Per group four licenses: a 6.x purchase, an upgradable 5.x license (both of varying sizes), and a 5.x license
        /// upgraded to 6.x (two licenses). Then members, approved discounts, an evaluation with a pending extension,
        /// installations that share the 6.x purchases between them in their usage reports, and customer-visible events up to
        /// <paramref name="events"/> plus staff-only ones.
        /// </summary>
        private async Task SeedAsync(Organization organization, int groups, int members, int approvedDiscounts, int events, int installations)
        {
            var licensing = _fx.Get<LicensingService>();
            int[] sizes = [1, 5, 10, 25, 50, 100, 250];
            var purchased = new List<Guid>();
            for (var i = 0; i < groups; i++)
            {
                // Sizes vary, so the dashboard's license groups (product, major, size) grow in number too.
                purchased.AddRange((await _fx.PurchaseAsync(organization, sizes[i % sizes.Length])).Select(l => l.Id));
                await using var db = _fx.Db();
                await licensing.GrantComplimentaryAsync(db, organization.Id, _fx.OfficeStatus.Id, 5, sizes[(i + 3) % sizes.Length], "A 5.x license to upgrade.", DomainFixture.Admin);
                var upgraded = await licensing.GrantComplimentaryAsync(db, organization.Id, _fx.OfficeStatus.Id, 5, 50, "A 5.x license upgraded.", DomainFixture.Admin);
                var product = await db.Products.SingleAsync(p => p.Id == _fx.OfficeStatus.Id);
                var holder = await db.Organizations.SingleAsync(o => o.Id == organization.Id);
                licensing.Upgrade(db, holder, upgraded, product, Guid.NewGuid(), Actor.Stripe);
                await db.SaveChangesAsync();
            }

            var discounts = _fx.Get<DiscountService>();
            foreach (var kind in Enum.GetValues<DiscountKind>().Take(approvedDiscounts))
            {
                var application = await discounts.SubmitAsync(organization.Id, kind, "Evidence attached.", [], DomainFixture.CustomerIn(organization.Id));
                await discounts.ApproveAsync(application.Id, 10, null, null, DomainFixture.Sales);
            }

            var usage = _fx.Get<UsageService>();
            for (var i = 0; i < installations; i++)
            {
                var report = UsageReports.For(Guid.NewGuid(), Now) with
                {
                    InstallationName = $"Server {i}",
                    LicenseIds = purchased.Where((_, index) => index % installations == i).ToList(),
                };
                await usage.UploadAsync(organization.Id, report.Bytes(), DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical));
            }

            var evaluations = _fx.Get<EvaluationService>();
            var evaluation = await evaluations.StartAsync(organization.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(organization.Id));
            await evaluations.RequestExtensionAsync(organization.Id, evaluation.Id, 7, "Our pilot runs longer.", DomainFixture.CustomerIn(organization.Id));

            await using (var db = _fx.Db())
            {
                var holder = await db.Organizations.SingleAsync(o => o.Id == organization.Id);
                for (var i = 0; i < members; i++)
                {
                    var user = new PortalUser { UserName = $"member{i}@{holder.Id:N}.example", Email = $"member{i}@{holder.Id:N}.example" };
                    user.JoinAs(db, holder.Id);
                    db.Users.Add(user);
                }
                await db.SaveChangesAsync();
            }

            await using (var db = _fx.Db())
            {
                var visible = await db.AuditEvents.CountAsync(e => e.OrganizationId == organization.Id && e.VisibleToCustomer);
                var audit = _fx.Get<AuditLog>();
                for (var i = visible; i < events; i++)
                {
                    audit.Record(db, DomainFixture.Customer, HistoryQueries.LicenseDownloaded, nameof(License), Guid.NewGuid(), organization.Id, $"Key downloaded ({i}).");
                    if (i % 10 == 0)
                        audit.Record(db, DomainFixture.Support, "note.added", nameof(Organization), organization.Id, organization.Id, "Staff note.", visibleToCustomer: false);
                }
                await db.SaveChangesAsync();
            }
        }
    }
}
