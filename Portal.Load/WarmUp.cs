using System.Diagnostics;
using System.Globalization;

namespace Portal.Load;

/// <summary>
/// Drives the app, unmeasured, until the JIT has settled: until <see cref="QuietSlices"/> slices in a row each spent less
/// than <see cref="QuietShare"/> of their wall time compiling, or <c>maxSlices</c> have run. Measured on this machine, a
/// fresh Portal under full load compiles for 15 to 35 s (decision 0011); a fixed warm-up either stops
/// inside that or wastes time after it.
/// </summary>
public static class WarmUp
{
    public const double QuietShare = 0.02;
    public const int QuietSlices = 3;

    /// <param name="maxSlices">The most slices to run, settled or not (fewer than <see cref="QuietSlices"/> never settle).</param>
    /// <param name="slice">Drives one slice of the warm-up; its argument counts the slices from 0.</param>
    /// <param name="prepare">Readies a slice (e.g. places the orders it pays) before it, outside its JIT share.</param>
    public static async Task<WarmUpReport> UntilJitSettlesAsync(int maxSlices, Func<int, Task> slice, Func<int, Task>? prepare = null)
    {
        var started = Stopwatch.GetTimestamp();
        var jit = new JitMeter();
        var quiet = 0;
        var slices = 0;
        while (slices < maxSlices && quiet < QuietSlices)
        {
            if (prepare is not null)
                await prepare(slices);
            var sliceJit = new JitMeter();
            var sliceStarted = Stopwatch.GetTimestamp();
            await slice(slices++);
            quiet = sliceJit.Elapsed.Compiling < QuietShare * Stopwatch.GetElapsedTime(sliceStarted) ? quiet + 1 : 0;
        }
        return new WarmUpReport(slices, Stopwatch.GetElapsedTime(started), jit.Elapsed.Compiling, quiet >= QuietSlices);
    }
}

/// <summary>How a warm-up went: whether the JIT settled before the slices ran out.</summary>
public sealed record WarmUpReport(int Slices, TimeSpan Elapsed, TimeSpan Compiling, bool Settled)
{
    public string Describe(string slices)
    {
        var outcome = Settled
            ? string.Create(CultureInfo.InvariantCulture, $"settled ({WarmUp.QuietSlices} slices in a row under {WarmUp.QuietShare:P0} compiling)")
            : "NOT settled: the figures below include the JIT";
        return string.Create(CultureInfo.InvariantCulture, $"{slices} in {Elapsed.TotalSeconds:0} s, {Compiling.TotalSeconds:0.0} s of it compiling; {outcome}");
    }
}
