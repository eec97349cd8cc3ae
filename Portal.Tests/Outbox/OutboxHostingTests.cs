using System.Data;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Portal.Domain;
using Portal.Domain.Outbox;
using Portal.Outbox;
using Portal.Data;
using Portal.Tests.Fakes;

namespace Portal.Tests.Outbox;

public sealed class OutboxHostingTests
{
    [Fact]
    public void Sample_settings_document_every_outbox_setting_and_bind()
    {
        var path = Path.Combine(RepositoryRoot(), "appsettings.sample.json");
        var sample = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build().GetSection(OutboxSettings.SectionName);

        foreach (var property in typeof(OutboxSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.True(sample.GetSection(property.Name).Exists(), $"appsettings.sample.json lacks Outbox:{property.Name}");
        Assert.Equal(TimeSpan.FromSeconds(5), sample.Get<OutboxSettings>()!.PollInterval);
    }

    [Fact]
    public async Task The_app_registers_the_outbox_worker_and_the_outbox()
    {
        var folder = Directory.CreateTempSubdirectory("portal-outbox-host-").FullName;
        try
        {
            // The app's own registrations, built but not started (starting migrates the database).
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
            builder.Configuration["Portal:DataFolder"] = folder;
            builder.Configuration["Outbox:PollInterval"] = "00:00:07";
            // Only the outbox's part of the domain is resolved here, so the rest (keys, Identity) need not be registered.
            builder.Host.UseDefaultServiceProvider(options => options.ValidateOnBuild = false);
            builder.AddPortalData();
            builder.Services.AddPortalDomain();
            builder.AddPortalOutbox();
            await using var app = builder.Build();

            Assert.Contains(app.Services.GetServices<IHostedService>(), service => service is OutboxWorker);
            Assert.NotNull(app.Services.GetService<EmailOutbox>());
            Assert.Equal(TimeSpan.FromSeconds(7), app.Services.GetRequiredService<OutboxQueue>().Settings.PollInterval);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task On_SQL_Server_the_claim_is_one_valid_TSql_update_and_results_are_checked_against_the_claim()
    {
        var commands = new SqlServerWithoutServer.CommandCapture();
        var queue = new OutboxQueue(new SqlServerWithoutServer.SqlServerContexts(commands), new FakeTimeProvider(), new OutboxSettings());

        await queue.ClaimAsync("instance-a");
        var update = Assert.Single(commands.Texts, sql => sql.Contains("UPDATE"));
        var claimed = OutboxMessage.Create(OutboxHarness.Email(), DateTimeOffset.UnixEpoch);
        commands.RowsAffected = 0; // the update found no row that this claim holds
        Assert.Equal(OutboxOutcome.LeaseLost, await queue.MarkSentAsync(claimed));

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        foreach (var sql in commands.Texts)
        {
            parser.Parse(new StringReader(sql), out var errors);
            Assert.True(errors.Count == 0, sql + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => e.Message)));
        }
        Assert.Contains("[LockedBy] = @", update);
        Assert.Contains("[LockedUntil] IS NULL OR", update);
        Assert.Matches(@"WHERE \[o\]\.\[Id\] IN \(\s+SELECT TOP\(", update);
        var markSent = Assert.Single(commands.Texts, sql => sql.Contains("[Status] = @"));
        Assert.Matches(@"WHERE \[o\]\.\[Id\] = @\w+", markSent);
        Assert.Matches(@"AND \[o\]\.\[LockedBy\] (= @\w+|IS NULL)", markSent);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }
}
