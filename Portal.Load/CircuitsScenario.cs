using System.Diagnostics;
using System.Globalization;

namespace Portal.Load;

/// <summary>
/// Server memory per Blazor Server circuit on the dashboard. The app runs in this process, so its managed heap can be
/// read after a forced full GC; the browser is driven by a child process (<see cref="CircuitClient"/>), so the Playwright
/// client's own objects (pages, frames, network records) are never on this heap and need no subtracting. The difference
/// between one warm circuit and one plus N circuits, divided by N, is what a circuit costs the server.
/// </summary>
public sealed class CircuitsScenario(LoadApp app, CircuitsOptions options)
{
    public async Task RunAsync(Results results)
    {
        const string scenario = "circuits";
        using var client = CircuitClient.Start(app.BaseAddress, options.Circuits);
        await client.WaitForAsync("warm");
        var before = await MemorySample.TakeAsync();
        await HoldForSnapshotAsync("1 warm circuit");
        results.Note($"circuits: machine before opening them: {Results.Machine()}");

        var opening = Stopwatch.StartNew();
        await client.SendAsync("open");
        await client.WaitForAsync("open");
        opening.Stop();
        var open = await MemorySample.TakeAsync();
        await HoldForSnapshotAsync($"{options.Circuits + 1} circuits");

        await client.SendAsync("close");
        await client.WaitForAsync("closed");
        var closed = await MemorySample.TakeAsync();
        await client.SendAsync("exit");
        await client.WaitForExitAsync();

        var perCircuit = (open.ManagedBytes - before.ManagedBytes) / (double)options.Circuits;
        results.Add(new Figure(scenario, $"{options.Circuits} dashboard circuits opened (headless Chromium pages, interactive)",
            $"{opening.Elapsed.TotalSeconds:0.0} s"));
        results.Add(new Figure(scenario, "managed heap after full GC: 1 warm circuit → +N → closed",
            $"{Mb(before.ManagedBytes)} → {Mb(open.ManagedBytes)} → {Mb(closed.ManagedBytes)}"));
        results.Add(new Figure(scenario, "server memory per circuit (managed heap delta / N)", $"{perCircuit / 1024:N0} KB", "≤ 250 KB", perCircuit <= 250 * 1024));
        results.Add(new Figure(scenario, "GC heap size (GCMemoryInfo) delta / N", $"{(open.HeapSizeBytes - before.HeapSizeBytes) / (double)options.Circuits / 1024:N0} KB"));
        results.Add(new Figure(scenario, "process working set delta / N (managed + native, noisy)",
            $"{(open.WorkingSetBytes - before.WorkingSetBytes) / (double)options.Circuits / 1024:N0} KB"));
    }

    /// <summary>
    /// With --hold: time to take a heap snapshot of this process (dotnet-gcdump, docs/performance.md "Profiling") with one
    /// circuit and again with N + 1; the two compared type by type show what a circuit holds.
    /// </summary>
    private async Task HoldForSnapshotAsync(string state)
    {
        if (options.Hold <= TimeSpan.Zero)
            return;
        Console.WriteLine($"circuits: {state} open; holding {options.Hold.TotalSeconds:0} s for a heap snapshot of process {Environment.ProcessId}");
        await Task.Delay(options.Hold);
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MB");
}

public sealed record CircuitsOptions(int Circuits, TimeSpan Hold);

/// <summary>This process's memory after a forced, compacting full collection.</summary>
public sealed record MemorySample(long ManagedBytes, long HeapSizeBytes, long WorkingSetBytes)
{
    public static async Task<MemorySample> TakeAsync()
    {
        // Let the circuits finish their first renders and the connections settle before counting.
        await Task.Delay(TimeSpan.FromSeconds(3));
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        using var process = Process.GetCurrentProcess();
        return new MemorySample(managed, info.HeapSizeBytes, process.WorkingSet64);
    }
}
