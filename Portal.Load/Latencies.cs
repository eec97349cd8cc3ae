using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Portal.Load;

/// <summary>Request latencies recorded by many workers at once, read as percentiles afterwards.</summary>
public sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public void Add(long startTimestamp) => _milliseconds.Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    /// <summary>Nearest-rank percentile, in milliseconds.</summary>
    public double Percentile(double percent)
    {
        var sorted = _milliseconds.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// CPU time this process (the app and the harness's client) used over a stretch: on a shared, overloaded machine the
/// wall-clock figures measure the neighbours as much as Portal, CPU time per request much less so.
/// </summary>
public sealed class CpuMeter
{
    private readonly TimeSpan _start = Used();

    public TimeSpan Elapsed => Used() - _start;

    private static TimeSpan Used()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>What the garbage collector did over a stretch: bytes allocated, collections and the time they paused the app.</summary>
public sealed class GcMeter
{
    private readonly long _allocated = GC.GetTotalAllocatedBytes();
    private readonly int _collections = GC.CollectionCount(0);
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    /// <summary>Workstation or server GC: the harness hosts Portal in its own process, so this is the app's.</summary>
    public static string Mode => System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";

    public (long AllocatedBytes, int Collections, TimeSpan Pauses) Elapsed =>
        (GC.GetTotalAllocatedBytes() - _allocated, GC.CollectionCount(0) - _collections, GC.GetTotalPauseDuration() - _paused);
}

/// <summary>
/// What the JIT compiled over a stretch (all threads). A freshly started Portal under full load keeps compiling for tens
/// of seconds, replacing quickly compiled code with optimized code method by method; figures taken meanwhile measure the
/// start, not Portal.
/// </summary>
public sealed class JitMeter
{
    private readonly TimeSpan _compiling = JitInfo.GetCompilationTime();
    private readonly long _methods = JitInfo.GetCompiledMethodCount();

    public (TimeSpan Compiling, long Methods) Elapsed =>
        (JitInfo.GetCompilationTime() - _compiling, JitInfo.GetCompiledMethodCount() - _methods);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Elapsed.Compiling.TotalMilliseconds:N0} ms ({Elapsed.Methods:N0} methods)");
}
