using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Domain.Outbox;
using Portal.Outbox;

namespace Portal.Tests.Outbox;

/// <summary>An <see cref="IMailDelivery"/> that records each delivery per outbox id and can fail the first calls.</summary>
public sealed class RecordingDelivery : IMailDelivery
{
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();
    private readonly TaskCompletionSource<MimeMessage> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failuresLeft;
    private int _calls;

    /// <summary>Throws on the first <paramref name="failures"/> calls (int.MaxValue: always).</summary>
    public RecordingDelivery(int failures = 0) => _failuresLeft = failures;

    public int Calls => _calls;
    public ConcurrentQueue<MimeMessage> Delivered { get; } = new();
    public IReadOnlyDictionary<Guid, int> DeliveriesPerMessage => _deliveries;

    /// <summary>Makes every later call succeed.</summary>
    public void Recover() => Interlocked.Exchange(ref _failuresLeft, 0);

    public Task<MimeMessage> FirstDelivery => _first.Task;

    public async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        await Task.Yield();
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new InvalidOperationException("550 SMTP said no");
        Interlocked.Exchange(ref _failuresLeft, 0);
        _deliveries.AddOrUpdate(OutboxId(message), 1, (_, count) => count + 1);
        Delivered.Enqueue(message);
        _first.TrySetResult(message);
    }

    /// <summary>The outbox id the worker puts in the Message-ID (<c>&lt;id&gt;@domain</c>).</summary>
    public static Guid OutboxId(MimeMessage message) => Guid.ParseExact(message.MessageId!.Split('@')[0], "N");
}

/// <summary>Keeps log entries so a test can assert what was logged.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception), exception));
}

/// <summary>The outbox pieces over one test database, wired the way <c>AddPortalOutbox</c> wires them.</summary>
public sealed class OutboxHarness
{
    public OutboxHarness(OutboxTestDatabase database, TimeProvider clock, OutboxSettings? settings = null)
    {
        Database = database;
        Clock = clock;
        Settings = settings ?? new OutboxSettings();
        Outbox = new EmailOutbox(database, clock, Signal);
        Queue = new OutboxQueue(database, clock, Settings);
    }

    public OutboxTestDatabase Database { get; }
    public TimeProvider Clock { get; }
    public OutboxSettings Settings { get; }
    public OutboxSignal Signal { get; } = new();
    public EmailOutbox Outbox { get; }
    public OutboxQueue Queue { get; }
    public ListLogger<OutboxWorker> Log { get; } = new();

    public SmtpSettings Smtp { get; } = new()
    {
        Host = "127.0.0.1",
        Security = "None",
        FromAddress = "portal@keymetric.example",
        FromName = "Key Metric Software",
    };

    public OutboxWorker Worker(IMailDelivery delivery, string name = "test-worker") =>
        new(Queue, delivery, Options.Create(Smtp), Signal, Clock, Log) { WorkerName = name };

    public SmtpMailDelivery SmtpDelivery() => new(Options.Create(Smtp));

    public static OutboxEmail Email(string subject = "Your Portal registration", string? key = null) =>
        new("ana@fabrikam.example", subject, "<p>Hello <b>Ana</b></p>", "Hello Ana") { DeduplicationKey = key };

    public async Task<OutboxMessage> SingleMessageAsync()
    {
        await using var db = Database.CreateDbContext();
        return await db.OutboxMessages.SingleAsync();
    }
}
