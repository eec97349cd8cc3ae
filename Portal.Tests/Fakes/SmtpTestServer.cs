using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.Tests.Fakes;

/// <summary>A real SMTP server on a free loopback port, in the test process, that keeps every message it receives.</summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly SemaphoreSlim _received = new(0);

    public SmtpTestServer()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyCollection<MimeMessage> Messages => _messages.ToArray();

    public async Task<MimeMessage> WaitForMessageAsync(TimeSpan? timeout = null)
    {
        if (!await _received.WaitAsync(timeout ?? TimeSpan.FromSeconds(10)))
            throw new TimeoutException("The SMTP server received no message.");
        return _messages.Last();
    }

    /// <summary>Waits (10 s unless told) for a message that matches, whenever it arrived; polls, so other waiters are unaffected.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(Func<MimeMessage, bool> matches, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_messages.FirstOrDefault(matches) is { } found)
                return found;
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The SMTP server received no {description}. It received: " +
                    string.Join("; ", _messages.Select(m => $"'{m.Subject}' to {m.To}")));
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The messages sent to this address (To or Cc).</summary>
    public IReadOnlyList<MimeMessage> MessagesTo(string address) =>
        _messages.Where(m => m.To.Mailboxes.Concat(m.Cc.Mailboxes)
            .Any(mailbox => string.Equals(mailbox.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(SmtpTestServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            server._messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            server._received.Release();
            return SmtpResponse.Ok;
        }
    }
}
