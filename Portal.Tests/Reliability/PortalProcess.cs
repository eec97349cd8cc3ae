using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Reliability;

/// <summary>
/// Portal as a real operating-system process: <c>dotnet Portal.dll</c> from the test output folder (the test project
/// references Portal), on a loopback port, configured only through environment variables as an operator would.
/// Its output is drained and the last lines kept for failure messages. <see cref="Kill"/> is SIGKILL on Linux: no
/// shutdown code runs. A process still running when its test ends is killed by <see cref="DisposeAsync"/>, and any left
/// when the test host exits are killed then.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 5000;
    private static readonly ConcurrentDictionary<PortalProcess, bool> Running = new();
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    static PortalProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Keys)
            process.Kill();
    };

    private PortalProcess(string name, int port, PortalProcessSettings settings, Process process)
    {
        Name = name;
        Port = port;
        Settings = settings;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _process = process;
    }

    public string Name { get; }
    public int Port { get; }
    public PortalProcessSettings Settings { get; }
    public Uri BaseAddress { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (standard output and error, interleaved).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>Starts Portal on a free loopback port and returns once <c>/healthz</c> answers 200.</summary>
    public static Task<PortalProcess> StartAsync(string name, PortalProcessSettings settings) =>
        StartOnAsync(name, FreePort(), settings);

    /// <summary>
    /// The same instance started again after it died: same port (the address Stripe and the load balancer know), same
    /// settings and database.
    /// </summary>
    public Task<PortalProcess> RestartAsync()
    {
        if (!HasExited)
            throw new InvalidOperationException($"{Name} (process {ProcessId}) is still running.");
        return StartOnAsync(Name, Port, Settings);
    }

    /// <summary>SIGKILL (on Linux): the process ends at once, in whatever it was doing.</summary>
    public void Kill()
    {
        if (!Running.TryRemove(this, out _))
            return;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited by itself.
        }
        _process.WaitForExit(10_000);
    }

    /// <summary>The process's last output lines, for a failure message.</summary>
    public string OutputTail(int lines = 60) => string.Join(Environment.NewLine, Output.TakeLast(lines));

    public ValueTask DisposeAsync()
    {
        Kill();
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<PortalProcess> StartOnAsync(string name, int port, PortalProcessSettings settings)
    {
        // A port freed a moment ago (or taken by another test meanwhile) may refuse the bind: try again shortly.
        for (var attempt = 1; ; attempt++)
        {
            var process = Launch(name, port, settings);
            try
            {
                await process.WaitUntilHealthyAsync(settings.StartTimeout);
                return process;
            }
            catch (PortalProcessFailedException) when (attempt < 5 && process.Output.Any(line => line.Contains("address already in use", StringComparison.OrdinalIgnoreCase)))
            {
                await process.DisposeAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt));
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }
    }

    private static PortalProcess Launch(string name, int port, PortalProcessSettings settings)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(folder, "Portal.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(IsInheritedHostSetting).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in settings.EnvironmentFor(name))
            start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var portal = new PortalProcess(name, port, settings, process);
        process.OutputDataReceived += (_, line) => portal.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => portal.Keep(line.Data);
        process.Start();
        Running[portal] = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return portal;
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        var health = new Uri(BaseAddress, "/healthz");
        while (stopwatch.Elapsed < timeout)
        {
            if (HasExited)
                throw new PortalProcessFailedException($"{Name} exited with code {_process.ExitCode} before it was healthy:{Environment.NewLine}{OutputTail()}");
            try
            {
                using var response = await Probe.GetAsync(health);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception notYet) when (notYet is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new PortalProcessFailedException($"{Name} was not healthy within {timeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines)
            _output.TryDequeue(out _);
    }

    /// <summary>Settings the test host may carry that would change how Portal starts (its URLs, environment, startup hooks).</summary>
    private static bool IsInheritedHostSetting(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || key.Equals("DOTNET_STARTUP_HOOKS", StringComparison.OrdinalIgnoreCase);

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A Portal process did not start, or did not become healthy; the message carries its last output.</summary>
public sealed class PortalProcessFailedException(string message) : Exception(message);

/// <summary>
/// How every instance of a test's Portal is configured: environment, data folder (so the database), and the other
/// settings as <c>Section:Key</c> names, passed as <c>Section__Key</c> environment variables.
/// </summary>
public sealed class PortalProcessSettings
{
    public PortalProcessSettings(string environment, string dataFolder)
    {
        Environment = environment;
        DataFolder = dataFolder;
    }

    public string Environment { get; }
    public string DataFolder { get; }
    public Dictionary<string, string> Values { get; } = new();
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public PortalProcessSettings With(string key, string value)
    {
        Values[key] = value;
        return this;
    }

    /// <summary>
    /// Each instance gets its own HOME, as if on its own machine: nothing is shared through the user profile (where Data
    /// Protection would otherwise keep its keys), only through the database.
    /// </summary>
    internal IEnumerable<KeyValuePair<string, string>> EnvironmentFor(string instance)
    {
        var home = Path.Combine(DataFolder, "home-" + instance);
        Directory.CreateDirectory(home);
        yield return new("ASPNETCORE_ENVIRONMENT", Environment);
        yield return new("HOME", home);
        yield return new("Portal__DataFolder", DataFolder);
        foreach (var (key, value) in Values)
            yield return new(key.Replace(":", "__", StringComparison.Ordinal), value);
    }
}
