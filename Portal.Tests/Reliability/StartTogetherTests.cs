using Portal.Tests.Fakes.Stripe;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Tests.Builders;
using Portal.Tests.Keys;

namespace Portal.Tests.Reliability;

/// <summary>
/// Several instances deployed at once on a new database: each migrates (EF's migration lock lets one do it) and then
/// seeds the catalog and the first admin. One instance used to crash on the catalog's unique product code.
/// </summary>
[Collection(PortalProcessesCollection.Name)]
public sealed class StartTogetherTests
{
    [Fact]
    public async Task Instances_started_together_on_a_new_database_all_start_with_one_product_and_one_first_admin()
    {
        await using var world = await PortalWorld.CreateAsync();
        var settings = new PortalProcessSettings("Production", world.DataFolder)
            .With("Stripe:SecretKey", FakeStripe.SecretKey)
            .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret)
            .With("Smtp:Host", "127.0.0.1")
            .With("LicenseKeys:SigningKeyPem", TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", TestSigningKeys.KeyId)
            .With("Portal:InitialAdminEmail", "first-admin@keymetric.example")
            .With("Logging:LogLevel:Default", "Warning");

        var started = await Task.WhenAll(new[] { "A", "B" }.Select(async name =>
        {
            try
            {
                return (Instance: (PortalProcess?)await PortalProcess.StartAsync(name, settings), Failure: (string?)null);
            }
            catch (PortalProcessFailedException failed)
            {
                return (Instance: (PortalProcess?)null, Failure: (string?)failed.Message);
            }
        }));
        try
        {
            Assert.All(started, start => Assert.Null(start.Failure));
            await using var db = await world.NewContextAsync();
            Assert.Equal(1, await db.Products.CountAsync());
            Assert.Equal(1, await (from userRole in db.UserRoles
                                   join role in db.Roles on userRole.RoleId equals role.Id
                                   where role.Name == Roles.Admin
                                   select userRole.UserId).CountAsync());
        }
        finally
        {
            foreach (var instance in started.Select(start => start.Instance).OfType<PortalProcess>())
                await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_catalog_seed_run_by_several_instances_at_once_adds_one_product_and_fails_none()
    {
        await using var database = await TestDatabase.CreateAsync();

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            return await CatalogSeed.EnsureAsync(db);
        })));

        Assert.Equal(1, added.Count(wasAdded => wasAdded));
        await using var check = database.CreateContext();
        Assert.Equal(1, await check.Products.CountAsync());
    }
}
