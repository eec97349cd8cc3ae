using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;

namespace Portal.Load;

/// <summary>
/// The circuits scenario's browser side, in a child process (this program with <see cref="Command"/>): Playwright and
/// headless Chromium open dashboard pages one by one and wait for each to become interactive. The two processes speak in
/// lines: the child says "warm" (one circuit open), "open" (N more), "closed"; the parent says "open", "close", "exit".
/// </summary>
public sealed class CircuitClient : IDisposable
{
    public const string Command = "circuit-browser";

    private readonly Process _process;

    private CircuitClient(Process process) => _process = process;

    public static CircuitClient Start(Uri baseAddress, int circuits)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Run as `dotnet Portal.Load.dll` the process path is the dotnet host, which needs the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(CircuitClient).Assembly.Location);
        foreach (var argument in new[] { Command, baseAddress.ToString(), circuits.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        return new CircuitClient(Process.Start(start) ?? throw new InvalidOperationException("The browser process did not start."));
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task WaitForAsync(string expected)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == expected)
                return;
            Console.WriteLine($"  browser: {line}");
        }
        throw new InvalidOperationException($"The browser process ended before saying '{expected}' (exit code {(_process.HasExited ? _process.ExitCode : -1)}).");
    }

    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    // ---- the child process ----

    // Debian's Chromium in a container: no sandbox (root), no GPU, nothing that phones home (as Portal.Tests/Browser).
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static async Task<int> RunBrowserAsync(Uri baseAddress, int circuits)
    {
        var cookies = new CookieContainer();
        using (var http = LargeOrganization.NewClient(baseAddress, cookies))
            await LargeOrganization.SignInAsync(http);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString() });
        await context.AddCookiesAsync(cookies.GetCookies(baseAddress).Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Domain = baseAddress.Host, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure,
        }));

        await OpenDashboardAsync(context);
        Console.WriteLine("warm");
        await ExpectAsync("open");
        var pages = new List<IPage>();
        for (var i = 0; i < circuits; i++)
        {
            pages.Add(await OpenDashboardAsync(context));
            if ((i + 1) % 10 == 0)
                Console.WriteLine($"{i + 1} circuits open");
        }
        Console.WriteLine("open");
        await ExpectAsync("close");
        foreach (var page in pages)
            await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        Console.WriteLine("closed");
        await ExpectAsync("exit");
        return 0;
    }

    /// <summary>A new page on the dashboard, returned once its circuit is up (the layout marks itself interactive).</summary>
    private static async Task<IPage> OpenDashboardAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/dashboard");
        if (response is not { Status: 200 } || !page.Url.Contains("/dashboard", StringComparison.Ordinal))
            throw new InvalidOperationException($"The dashboard did not open: {response?.Status} at {page.Url}");
        await page.WaitForSelectorAsync("#portal-root[data-interactive='true']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        return page;
    }

    private static async Task ExpectAsync(string expected)
    {
        var line = await Console.In.ReadLineAsync();
        if (line != expected)
            throw new InvalidOperationException($"Expected '{expected}' from the harness, got '{line}'.");
    }
}
