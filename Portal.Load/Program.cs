using System.Diagnostics;
using System.Globalization;

// Usage: dotnet run -c Release --project Portal.Load -- webhooks|pages|circuits|all [options]   (docs/performance.md, "Load harness")
namespace Portal.Load;

/// <summary>The entry point. Not top-level statements: Portal's own top-level <c>Program</c> is referenced here.</summary>
public static class LoadHarness
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [CircuitClient.Command, var baseAddress, var circuitCount])
            return await CircuitClient.RunBrowserAsync(new Uri(baseAddress), int.Parse(circuitCount, CultureInfo.InvariantCulture));

        var scenarios = new[] { "webhooks", "pages", "circuits" };
        if (args is not [var chosen, ..] || (chosen != "all" && !scenarios.Contains(chosen)))
        {
            Console.Error.WriteLine("""
                Usage: dotnet run -c Release --project Portal.Load -- webhooks|pages|circuits|all [options]
                  --events 2000 --orders 1800 --senders 16 --organizations 50      webhooks
                  --warmup-orders 15000   webhooks: at most this many paid first, not measured, 300 at a time until the JIT
                                          settles (3 quiet rounds in a row: fewer than 900 never settle)
                  --licenses 10000 --connections 32 --seconds 20                   pages (licenses: also for circuits)
                  --warmup 90             pages: at most this many seconds of requests first, not measured, until the JIT
                                          settles (3 quiet seconds in a row: fewer than 3 never settle)
                  --paths /dashboard,/licenses                                     pages: what each connection GETs in turn
                  --circuits 20                                                    circuits
                  --hold 0             circuits: seconds to keep one and then N+1 circuits open, for heap snapshots
                  --markdown PATH      where the results table goes (default LoadResults/load-<UTC time>.md)
                """);
            return 2;
        }
        Dictionary<string, string> options;
        WebhookOptions webhookOptions;
        PagesOptions pagesOptions;
        CircuitsOptions circuitsOptions;
        int licenses;
        try
        {
            options = Options(args[1..]);
            int Option(string name, int fallback) =>
                options.TryGetValue(name, out var value)
                    ? int.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : throw new ArgumentException($"--{name} takes a whole number, not '{value}'.")
                    : fallback;
            webhookOptions = new WebhookOptions(
                Option("events", 2000), Option("orders", 1800), Option("senders", 16), Option("organizations", 50), Option("warmup-orders", 15_000)).Validated();
            pagesOptions = new PagesOptions(Option("connections", 32), Option("seconds", 20), Option("warmup", 90),
                options.TryGetValue("paths", out var paths) ? paths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : PagesOptions.DefaultPaths).Validated();
            circuitsOptions = new CircuitsOptions(Option("circuits", 20), TimeSpan.FromSeconds(Option("hold", 0)));
            licenses = Option("licenses", 10_000);
            if (circuitsOptions.Circuits < 1 || licenses < 0)
                throw new ArgumentException("--circuits must be at least 1 and --licenses at least 0.");
        }
        catch (ArgumentException invalid)
        {
            Console.Error.WriteLine(invalid.Message);
            return 2;
        }
        var run = chosen == "all" ? scenarios : [chosen];

        var results = new Results();
        results.Note($"Command: Portal.Load {string.Join(' ', args)}");
        Console.WriteLine($"Machine: {Results.Machine()}");
        await using (var app = LoadApp.Start())
        {
            Console.WriteLine($"Portal listening on {app.BaseAddress} (data folder {app.DataFolder})");
            if (run.Contains("pages") || run.Contains("circuits"))
            {
                var seeding = Stopwatch.StartNew();
                await LargeOrganization.GrowAsync(app.Services, licenses);
                Console.WriteLine($"{LargeOrganization.Email}'s organization has at least {licenses:N0} licenses ({seeding.Elapsed.TotalSeconds:0.0} s to issue the missing ones)");
                results.Note($"Data set for pages and circuits: the demo customer's organization with {licenses:N0} licenses and their history events.");
            }
            foreach (var scenario in run)
            {
                Console.WriteLine($"Running {scenario}...");
                var task = scenario switch
                {
                    "webhooks" => new WebhookScenario(app, webhookOptions).RunAsync(results),
                    "pages" => new PagesScenario(app, pagesOptions).RunAsync(results),
                    _ => new CircuitsScenario(app, circuitsOptions).RunAsync(results),
                };
                await task;
            }
        }

        Console.WriteLine();
        Console.WriteLine(results.ToText());
        var markdown = options.GetValueOrDefault("markdown")
            ?? Path.Combine("LoadResults", $"load-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(markdown))!);
        await File.WriteAllTextAsync(markdown, results.ToMarkdown());
        Console.WriteLine($"Results written to {markdown}");
        return results.Failed ? 1 : 0;
    }

    private static Dictionary<string, string> Options(string[] arguments)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i + 1 < arguments.Length; i += 2)
        {
            if (!arguments[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Expected an option such as --events, got '{arguments[i]}'.");
            options[arguments[i][2..]] = arguments[i + 1];
        }
        return options;
    }
}
