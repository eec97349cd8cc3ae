using Portal.Domain;
using Portal.Domain.Outbox;

namespace Portal.Tests.Outbox;

public sealed class OutboxMessageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(7, 1920)]
    [InlineData(8, 3600)] // 3840 s capped at one hour
    [InlineData(20, 3600)]
    public void Retry_delay_doubles_from_30_seconds_and_is_capped_at_one_hour(int failures, int seconds)
    {
        var settings = new OutboxSettings();

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.RetryDelay(failures, jitter: 0.5));
    }

    [Fact]
    public void Retry_delay_jitter_is_plus_or_minus_20_percent_and_never_beyond_the_cap()
    {
        var settings = new OutboxSettings();

        Assert.Equal(TimeSpan.FromSeconds(24), settings.RetryDelay(1, jitter: 0));
        Assert.Equal(TimeSpan.FromSeconds(36), settings.RetryDelay(1, jitter: 1));
        Assert.Equal(TimeSpan.FromHours(1), settings.RetryDelay(12, jitter: 1));
        Assert.Equal(TimeSpan.FromMinutes(48), settings.RetryDelay(12, jitter: 0));
    }

    [Fact]
    public void A_new_email_is_pending_and_due_now()
    {
        var message = OutboxMessage.Create(OutboxHarness.Email(key: "  registration:1 "), Now);

        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(Now, message.NextAttemptAt);
        Assert.Equal(0, message.Attempts);
        Assert.Equal("registration:1", message.DeduplicationKey);
    }

    [Fact]
    public void A_sent_email_cannot_fail_or_be_sent_again()
    {
        var message = OutboxMessage.Create(OutboxHarness.Email(), Now);
        message.MarkSent(Now);

        Assert.Throws<DomainException>(() => message.MarkSent(Now));
        Assert.Throws<DomainException>(() => message.RecordFailure(Now, "late", new OutboxSettings(), 0.5));
        Assert.Throws<DomainException>(() => message.Retry(Now));
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("")]
    public void An_email_needs_valid_recipients(string to)
    {
        var error = Assert.Throws<DomainException>(() => OutboxMessage.Create(new OutboxEmail(to, "Subject", null, "Text"), Now));

        Assert.Contains("is not a valid email address", error.Message);
    }

    [Fact]
    public void An_email_needs_a_subject_a_text_body_and_named_attachments()
    {
        Assert.Throws<DomainException>(() => OutboxMessage.Create(new OutboxEmail([], "Subject", null, "Text"), Now));
        Assert.Throws<DomainException>(() => OutboxMessage.Create(new OutboxEmail("ana@fabrikam.example", " ", null, "Text"), Now));
        Assert.Throws<DomainException>(() => OutboxMessage.Create(new OutboxEmail("ana@fabrikam.example", "Subject", "<p>x</p>", ""), Now));
        Assert.Throws<DomainException>(() => OutboxMessage.Create(OutboxHarness.Email() with
        {
            Attachments = [new OutboxEmailAttachment("../license.lic", "text/plain", [1])],
        }, Now));
    }
}
