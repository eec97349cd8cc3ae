using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Tests.Fakes;

namespace Portal.Tests.Outbox;

/// <summary>The outbox (docs/architecture.md#outbox): an email is a row first, committed with the business change, then sent by the worker.</summary>
public sealed class OutboxDeliveryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static OutboxEmail RegistrationEmail(string key) =>
        new(["ana@fabrikam.example", "Billing <billing@fabrikam.example>"], "Your OfficeStatus 6 registration",
            "<p>Licensee: <b>Fabrikam</b></p>", "Licensee: Fabrikam")
        {
            DeduplicationKey = key,
            Attachments = [new OutboxEmailAttachment("Fabrikam-OfficeStatus-6.lic", "text/plain", Encoding.UTF8.GetBytes("Licensee: Fabrikam\nKEY-123\n"))],
        };

    [Fact]
    public async Task Email_queued_in_a_rolled_back_transaction_is_never_sent()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));
        await using var smtp = new SmtpTestServer();
        outbox.Smtp.Port = smtp.Port;

        await using (var db = database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Organizations.Add(Organization.Register("Fabrikam", OrganizationKind.Commercial, "US", "billing@fabrikam.example", Start));
            outbox.Outbox.Enqueue(db, RegistrationEmail("registration:rolled-back"));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await outbox.Worker(outbox.SmtpDelivery()).SendDueAsync());
        await using var check = database.CreateDbContext();
        Assert.Empty(await check.OutboxMessages.ToListAsync());
        Assert.Empty(await check.Organizations.ToListAsync());
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Email_queued_in_a_committed_transaction_reaches_smtp_with_html_text_and_attachment_intact()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));
        await using var smtp = new SmtpTestServer();
        outbox.Smtp.Port = smtp.Port;

        await using (var db = database.CreateDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Organizations.Add(Organization.Register("Fabrikam", OrganizationKind.Commercial, "US", "billing@fabrikam.example", Start));
            outbox.Outbox.Enqueue(db, RegistrationEmail("registration:committed"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        Assert.Empty(smtp.Messages); // queued, not sent by the business code

        Assert.Equal(1, await outbox.Worker(outbox.SmtpDelivery()).SendDueAsync());

        var message = await smtp.WaitForMessageAsync();
        Assert.Equal(["ana@fabrikam.example", "billing@fabrikam.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Billing", message.To.Mailboxes.Last().Name);
        Assert.Equal("portal@keymetric.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("Your OfficeStatus 6 registration", message.Subject);
        Assert.Contains("<p>Licensee: <b>Fabrikam</b></p>", message.HtmlBody);
        Assert.Contains("Licensee: Fabrikam", message.TextBody);
        var attachment = Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal("Fabrikam-OfficeStatus-6.lic", attachment.FileName);
        Assert.Equal("text/plain", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.Equal("Licensee: Fabrikam\nKEY-123\n", Encoding.UTF8.GetString(content.ToArray()));

        var row = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(Start, row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LockedBy);
        Assert.Equal(0, await outbox.Worker(outbox.SmtpDelivery()).SendDueAsync()); // sent once, not again
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task Saving_a_queued_email_wakes_the_running_worker_without_waiting_for_the_poll()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        // The fake clock never moves: only the signal can wake the worker.
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start), new OutboxSettings { PollInterval = TimeSpan.FromHours(1) });
        var delivery = new RecordingDelivery();
        var worker = outbox.Worker(delivery);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("Wake up")));

            var delivered = await delivery.FirstDelivery.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("Wake up", delivered.Subject);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Failing_delivery_keeps_the_email_with_attempts_error_and_backoff_then_sends_it_exactly_once()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock);
        var delivery = new RecordingDelivery(failures: 3);
        var worker = outbox.Worker(delivery);
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email());

        await worker.SendDueAsync();

        var failed = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("550 SMTP said no", failed.LastError);
        Assert.InRange(failed.NextAttemptAt, Start.AddSeconds(24), Start.AddSeconds(36)); // 30 s ± 20 %
        Assert.Null(failed.LockedBy);
        Assert.Contains(outbox.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(failed.Id.ToString()));

        // Not due yet: the worker leaves it alone.
        Assert.Equal(0, await worker.SendDueAsync());
        Assert.Equal(1, delivery.Calls);

        clock.Advance(TimeSpan.FromSeconds(36));
        await worker.SendDueAsync();
        var second = await outbox.SingleMessageAsync();
        Assert.Equal(2, second.Attempts);
        Assert.InRange(second.NextAttemptAt - clock.GetUtcNow(), TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72)); // 1 min ± 20 %

        for (var pass = 0; pass < 5; pass++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            await worker.SendDueAsync();
        }

        var sent = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(4, sent.Attempts);
        Assert.Equal(4, delivery.Calls);
        Assert.Equal(1, Assert.Single(delivery.DeliveriesPerMessage).Value);
        Assert.Contains("550 SMTP said no", sent.LastError); // the history of the last failure stays
    }

    [Fact]
    public async Task After_max_attempts_the_email_stays_failed_logged_as_an_error_and_staff_can_send_it_again()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock, new OutboxSettings { MaxAttempts = 3 });
        var delivery = new RecordingDelivery(failures: int.MaxValue);
        var worker = outbox.Worker(delivery);
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email());

        for (var pass = 0; pass < 6; pass++)
        {
            await worker.SendDueAsync();
            clock.Advance(TimeSpan.FromHours(1));
        }

        var failed = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(3, delivery.Calls); // gave up after three attempts
        Assert.Contains("550 SMTP said no", failed.LastError);
        Assert.Contains(outbox.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(failed.Id.ToString()));

        delivery.Recover();
        await outbox.Outbox.RetryAsync(failed.Id);
        await worker.SendDueAsync();

        var sent = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(1, Assert.Single(delivery.DeliveriesPerMessage).Value);
    }

    [Fact]
    public async Task With_smtp_down_the_email_stays_queued_and_is_delivered_once_smtp_is_back()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock);
        outbox.Smtp.Port = ClosedPort();
        var worker = outbox.Worker(outbox.SmtpDelivery());
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("Registration while SMTP is down"));

        await worker.SendDueAsync();

        var pending = await outbox.SingleMessageAsync();
        Assert.Equal(OutboxStatus.Pending, pending.Status);
        Assert.Equal(1, pending.Attempts);
        Assert.False(string.IsNullOrEmpty(pending.LastError));

        await using var smtp = new SmtpTestServer();
        outbox.Smtp.Port = smtp.Port; // SMTP is back (SmtpMailDelivery reads its settings per delivery)
        clock.Advance(TimeSpan.FromMinutes(1));
        await worker.SendDueAsync();

        var message = await smtp.WaitForMessageAsync();
        Assert.Equal("Registration while SMTP is down", message.Subject);
        Assert.Equal(OutboxStatus.Sent, (await outbox.SingleMessageAsync()).Status);
        Assert.Single(smtp.Messages);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
