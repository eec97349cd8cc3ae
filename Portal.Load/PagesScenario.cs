using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Portal.Load;

/// <summary>
/// The signed-in customer of the large organization reloading the dashboard and the license list (prerendered HTML, as a
/// browser's first GET gets it) from many connections at once for a fixed time.
/// </summary>
public sealed class PagesScenario(LoadApp app, PagesOptions options)
{
    public async Task RunAsync(Results results)
    {
        const string scenario = "pages";
        var cookies = new CookieContainer();
        using var client = LargeOrganization.NewClient(app.BaseAddress, cookies, options.Connections);
        await LargeOrganization.SignInAsync(client);
        foreach (var path in options.Paths)
        {
            // Redirects are not followed: anything but 200 (e.g. a redirect to sign in) throws here.
            using var first = await client.GetAsync(path);
            first.EnsureSuccessStatusCode();
        }

        // Not measured: a second at a time until the JIT has settled (a fresh app under full load compiles for tens of
        // seconds), at most the warm-up's seconds; the first requests also fill the caches.
        var warmedUp = await WarmUp.UntilJitSettlesAsync(options.WarmupSeconds, _ =>
            DriveAsync(client, TimeSpan.FromSeconds(1), new Latencies(), new Dictionary<string, Latencies>()));
        Console.WriteLine($"pages: warm-up {warmedUp.Describe($"{warmedUp.Slices} slices of 1 s")}");

        results.Note($"pages: machine before the run: {Results.Machine()}");
        var all = new Latencies();
        var byPath = options.Paths.ToDictionary(p => p, _ => new Latencies());
        var cpu = new CpuMeter();
        var gc = new GcMeter();
        var jit = new JitMeter();
        var (requests, failures, elapsed) = await DriveAsync(client, TimeSpan.FromSeconds(options.Seconds), all, byPath);
        var cpuUsed = cpu.Elapsed;
        var collected = gc.Elapsed;
        var compiled = jit.ToString();

        var p99 = all.Percentile(99);
        results.Add(new Figure(scenario, "warm-up, not measured: requests until the JIT settled",
            warmedUp.Describe($"{warmedUp.Slices} slices of 1 s"), "settled", warmedUp.Settled));
        results.Add(new Figure(scenario, $"GET {string.Join(" + ", options.Paths)}, {options.Connections} connections, {options.Seconds} s",
            $"{requests:N0} requests"));
        results.Add(new Figure(scenario, "requests per second", (requests / elapsed.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)));
        results.Add(new Figure(scenario, "latency p50 / p99, all pages", $"{all.Percentile(50):0.0} / {p99:0.0} ms", "p99 < 100 ms", p99 < 100));
        results.Add(new Figure(scenario, "latency p90 / p99.9 / max, all pages", $"{all.Percentile(90):0.0} / {all.Percentile(99.9):0.0} / {all.Percentile(100):0.0} ms"));
        foreach (var (path, latencies) in byPath)
            results.Add(new Figure(scenario, $"latency p50 / p99, {path}", $"{latencies.Percentile(50):0.0} / {latencies.Percentile(99):0.0} ms"));
        results.Add(new Figure(scenario, "CPU time per request (app + client, all cores) → requests/s if 2 cores were Portal's",
            $"{cpuUsed.TotalMilliseconds / requests:0.0} ms → {2 * requests / cpuUsed.TotalSeconds:N0} /s"));
        results.Add(new Figure(scenario, $"memory allocated per request · GC pauses ({GcMeter.Mode})",
            $"{collected.AllocatedBytes / 1024.0 / requests:N0} KB · {collected.Pauses.TotalMilliseconds:N0} ms in {collected.Collections} collections"));
        results.Add(new Figure(scenario, "JIT compilation while measured (all threads)", compiled));
        results.Add(new Figure(scenario, "answers other than 200", failures.ToString(CultureInfo.InvariantCulture), "0", failures == 0));
        if (failures > 0)
            results.Fail($"pages: {failures} requests were not answered 200");
    }

    private async Task<(int Requests, int Failures, TimeSpan Elapsed)> DriveAsync(
        HttpClient client, TimeSpan duration, Latencies all, IReadOnlyDictionary<string, Latencies> byPath)
    {
        var requests = 0;
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async worker =>
        {
            for (var i = worker; Stopwatch.GetElapsedTime(started) < duration; i++)
            {
                var path = options.Paths[i % options.Paths.Count];
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                all.Add(sent);
                if (byPath.TryGetValue(path, out var latencies))
                    latencies.Add(sent);
                Interlocked.Increment(ref requests);
                if (response.StatusCode != HttpStatusCode.OK)
                    Interlocked.Increment(ref failures);
            }
        }));
        return (requests, failures, Stopwatch.GetElapsedTime(started));
    }
}

public sealed record PagesOptions(int Connections, int Seconds, int WarmupSeconds, IReadOnlyList<string> Paths)
{
    public static readonly IReadOnlyList<string> DefaultPaths = ["/dashboard", "/licenses"];

    /// <summary>These options, or an <see cref="ArgumentException"/> saying which one cannot be run.</summary>
    public PagesOptions Validated() =>
        Connections < 1 || Seconds < 1 || WarmupSeconds < 0 || Paths.Count == 0
            ? throw new ArgumentException("--connections and --seconds must be at least 1, --warmup at least 0, and --paths name a page.")
            : this;
}
