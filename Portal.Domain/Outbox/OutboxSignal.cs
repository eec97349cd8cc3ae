using System.Threading.Channels;

namespace Portal.Domain.Outbox;

/// <summary>
/// Wakes this process's outbox worker as soon as an email is saved, instead of at its next poll. Other instances find
/// the email at their next poll; the signal is an optimisation, never needed for correctness.
/// </summary>
public sealed class OutboxSignal
{
    // Capacity one, extra signals dropped: an auto-reset event that can be awaited with a timeout.
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified (true) or after <paramref name="timeout"/> on <paramref name="clock"/> (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
            return true;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = _channel.Reader.WaitToReadAsync(stopWaiting.Token).AsTask();
        var delay = Task.Delay(timeout, clock, stopWaiting.Token);
        var first = await Task.WhenAny(notified, delay);
        await stopWaiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return first == notified && _channel.Reader.TryRead(out _);
    }
}
