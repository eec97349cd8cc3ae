using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Members;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;
using Portal.Quotes;
using Portal.Tests.Builders;
using Portal.Tests.Outbox;

namespace Portal.Tests.Quotes;

/// <summary>
/// Quotes past their valid-until date are marked expired by the background worker, with their history entry and email,
/// without anyone asking: at start, then every interval on the (fake) clock, batch after batch, through failed rounds.
/// </summary>
public sealed class QuoteExpiryWorkerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Quotes_past_their_date_are_marked_expired_at_start_and_then_every_interval()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        var first = await QuoteAsync(fixture);
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        var second = await QuoteAsync(fixture);
        var worker = Worker(fixture, new ListLogger<QuoteExpiryWorker>());

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(fixture, first, QuoteStatus.Expired);
            Assert.Equal(QuoteStatus.Open, await StatusAsync(fixture, second));

            // The second comes due; the worker's next round, an interval later on the clock, finds it.
            fixture.Clock.Advance(TimeSpan.FromDays(30));
            await UntilAsync(fixture, second, QuoteStatus.Expired, tick: () => fixture.Clock.Advance(Interval));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        await using var db = fixture.Db();
        foreach (var quote in new[] { first, second })
        {
            Assert.Single(await db.AuditEvents.Where(e => e.Action == "quote.expired" && e.EntityId == quote.Id.ToString()).ToListAsync());
            Assert.Single(await db.OutboxMessages.Where(m => m.Subject.StartsWith($"Quote {quote.Number} has expired")).ToListAsync());
        }
    }

    [Fact]
    public async Task One_round_goes_on_while_batches_come_back_full()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        var count = 2 * QuoteService.ExpiryBatchSize + 7;
        await using (var db = fixture.Db())
        {
            var organization = await db.Organizations.SingleAsync(o => o.Id == fixture.Contoso.Id);
            var priced = await fixture.Get<PricingService>().PriceAsync(db, organization.Id, fixture.Cart((5, 1)));
            db.Quotes.AddRange(Enumerable.Range(1, count).Select(sequence =>
                Quote.Create(sequence, priced, organization, 30, "customer-1", "ana@contoso.example", fixture.Clock.GetUtcNow())));
            await db.SaveChangesAsync();
        }
        fixture.Clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal(count, await Worker(fixture, new ListLogger<QuoteExpiryWorker>()).ExpireDueAsync());

        await using var check = fixture.Db();
        Assert.Equal(count, await check.Quotes.CountAsync(q => q.Status == QuoteStatus.Expired));
        Assert.Equal(count, await check.OutboxMessages.CountAsync(m => m.Subject.Contains("has expired")));
    }

    [Fact]
    public async Task A_failed_round_is_logged_the_worker_keeps_running_and_the_next_round_expires_the_quote()
    {
        var database = new FailingDatabase();
        await using var fixture = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(database));
        var quote = await QuoteAsync(fixture);
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        var log = new ListLogger<QuoteExpiryWorker>();
        var worker = Worker(fixture, log);

        database.Failing = true;
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => Task.FromResult(log.Entries.Any(e => e.Level == LogLevel.Error)));
            var failure = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
            Assert.IsType<InvalidOperationException>(failure.Exception);
            Assert.Equal(QuoteStatus.Open, await StatusAsync(fixture, quote));
            Assert.False(worker.ExecuteTask!.IsCompleted);

            database.Failing = false;
            await UntilAsync(fixture, quote, QuoteStatus.Expired, tick: () => fixture.Clock.Advance(Interval));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
        Assert.Contains(log.Entries, e => e.Message == "1 quote(s) past their valid-until date marked expired");
    }

    [Fact]
    public async Task The_app_runs_the_worker_on_the_configured_interval()
    {
        var folder = Directory.CreateTempSubdirectory("portal-quotes-host-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
            builder.Configuration["Portal:DataFolder"] = folder;
            builder.Configuration["Quotes:ExpiryInterval"] = "00:05:00";
            builder.Host.UseDefaultServiceProvider(options => options.ValidateOnBuild = false);
            builder.AddPortalData();
            builder.Services.AddPortalDomain();
            builder.AddPortalQuotes();
            await using var app = builder.Build();

            Assert.Contains(app.Services.GetServices<IHostedService>(), service => service is QuoteExpiryWorker);
            Assert.Equal(TimeSpan.FromMinutes(5), app.Services.GetRequiredService<QuoteSettings>().ExpiryInterval);
            Assert.Equal(TimeSpan.FromMinutes(15), new QuoteSettings().ExpiryInterval);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    public void An_interval_that_is_not_positive_stops_the_start_with_the_setting_named(string interval)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration["Quotes:ExpiryInterval"] = interval;

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddPortalQuotes());

        Assert.Contains("Quotes:ExpiryInterval", refused.Message);
    }

    private static QuoteExpiryWorker Worker(DomainFixture fixture, ListLogger<QuoteExpiryWorker> log) =>
        new(fixture.Get<QuoteService>(), new QuoteSettings { ExpiryInterval = Interval }, fixture.Clock, log);

    private static Task<Quote> QuoteAsync(DomainFixture fixture) =>
        fixture.Get<QuoteService>().CreateAsync(fixture.Contoso.Id, DomainFixture.CustomerIn(fixture.Contoso.Id, MemberRoles.Billing),
            "ana@contoso.example", fixture.Cart((5, 1)));

    private static async Task<QuoteStatus> StatusAsync(DomainFixture fixture, Quote quote)
    {
        await using var db = fixture.Db();
        return await db.Quotes.Where(q => q.Id == quote.Id).Select(q => q.Status).SingleAsync();
    }

    private static Task UntilAsync(DomainFixture fixture, Quote quote, QuoteStatus status, Action? tick = null) =>
        UntilAsync(async () => await StatusAsync(fixture, quote) == status, tick);

    /// <summary>Waits (in real time, 20 s at most) for the worker to get there, moving the fake clock on each try when asked.</summary>
    private static async Task UntilAsync(Func<Task<bool>> done, Action? tick = null)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(20);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < giveUp, "The worker did not get there in 20 seconds.");
            tick?.Invoke();
            await Task.Delay(50);
        }
    }

    /// <summary>A database that is down while <see cref="Failing"/>: every command of the services' contexts throws.</summary>
    private sealed class FailingDatabase : DbCommandInterceptor
    {
        public volatile bool Failing;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Failing ? throw new InvalidOperationException("The database is down.") : base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
