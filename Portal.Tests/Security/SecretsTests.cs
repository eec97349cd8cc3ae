using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Keys;
using Portal.Keys;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Integration;
using Portal.Tests.Keys;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8 part 7: no secret in the repository, and outside Development no start with the Development signing key. The
/// other refusals (no Stripe secret key, no webhook secret, no signing key, no SMTP host) are proved where those settings
/// live: PaymentsHostingTests, LicenseKeyHostingTests and EmailTests.
/// </summary>
public sealed partial class SecretsTests
{
    /// <summary>
    /// Values that look like secrets but are not, each with why. The placeholders of appsettings.sample.json
    /// (<c>&lt;sk_live_...&gt;</c>, <c>Password=&lt;password&gt;</c>) need no entry: no pattern takes a value in angle brackets or
    /// of dots. Values too short to be real (<c>sk_test_x</c>, <c>whsec_x</c> in the start-up tests) match no pattern either.
    /// </summary>
    private static readonly (string File, string Value, string Why)[] Allowed =
    [
        ("Portal.Tests/Fakes/Stripe/FakeStripe.cs", FakeStripe.SecretKey, "the secret key of the tests' loopback fake of Stripe; Stripe never issued it"),
        ("Portal.Tests/Fakes/Stripe/FakeStripe.cs", FakeStripe.WebhookSecret, "the webhook secret of the tests' loopback fake of Stripe"),
        // Written in two parts so that this file does not hold it whole.
        ("Portal.Tests/Payments/StripeWebhookSignatureTests.cs", "whsec_" + "someone_elses_endpoint", "a wrong secret, to show that its signatures are refused"),
    ];

    [Fact]
    public void No_file_in_the_repository_holds_a_secret()
    {
        var root = RepositoryRoot();
        var files = SourceTree.Files(root);
        var findings = Scan(root, files);

        var unexplained = findings.Where(f => !Allowed.Any(a => a.File == f.File && a.Value == f.Value)).ToList();
        Assert.True(unexplained.Count == 0, "Secrets in the repository (move them to a secret store or environment variables):\n" +
            string.Join("\n", unexplained.Select(f => $"{f.File}:{f.Line}: {f.Kind}")));
        // The allowance list stays honest: every entry is still there to be allowed.
        Assert.All(Allowed, a => Assert.Contains(findings, f => f.File == a.File && f.Value == a.Value));
        Assert.True(files.Count > 100, $"only {files.Count} files were scanned");
    }

    /// <summary>
    /// A copy of the sources without <c>.git</c> (an unpacked archive) is walked instead of asked of git: build output,
    /// test results, packages and what the <c>.gitignore</c> files exclude are left out, the rest is listed.
    /// </summary>
    [Fact]
    public void A_copy_without_git_is_walked_leaving_out_build_output_and_what_gitignore_excludes()
    {
        using var copy = new TemporaryTree();
        copy.Write(".gitignore", File.ReadAllText(Path.Combine(RepositoryRoot(), ".gitignore")));
        string[] sources =
        [
            ".editorconfig", ".gitignore", "Portal/Program.cs", "Portal/appsettings.json", "Portal/wwwroot/app.css",
            "Portal.Tests/Keys/Vectors/perpetual.lic", "docs/keep.tmp", "docs/rules.md",
        ];
        string[] notSources =
        [
            "Portal/bin/Debug/net10.0/appsettings.json", "Portal/obj/project.assets.json", "node_modules/pkg/index.js",
            "TestResults/screenshots/customer-licenses-light.png", "Portal/App_Data/portal.db", "Portal/App_Data/mail-pickup/1.eml",
            "Portal/wwwroot/brand/css/portal.css", "LoadResults/webhooks.json", "BenchmarkDotNet.Artifacts/results/report.csv",
            ".vs/Portal/config.json", "Portal/Portal.csproj.user", "portal.db-wal", "docs/draft.tmp", "docs/drafts/notes.md",
        ];
        foreach (var file in sources.Concat(notSources).Where(file => file != ".gitignore"))
            copy.Write(file, "text");
        // A .gitignore in a subfolder applies below it, and "!" includes again what it excluded.
        copy.Write("docs/.gitignore", "*.tmp\n!keep.tmp\ndrafts/\n");

        var files = SourceTree.Files(copy.Root);

        Assert.Equal(sources.Append("docs/.gitignore").Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    /// <summary>A tree whose <c>.git</c> git cannot read (a worktree copied without its repository) is walked too.</summary>
    [Fact]
    public void Where_git_cannot_list_the_tree_it_is_walked()
    {
        using var copy = new TemporaryTree();
        copy.Write(".git", $"gitdir: {Path.Combine(copy.Root, "missing-repository")}\n");
        copy.Write("Portal/Program.cs", "text");
        copy.Write("Portal/bin/Debug/net10.0/Portal.dll", "text");

        Assert.Equal(["Portal/Program.cs"], SourceTree.Files(copy.Root));
    }

    /// <summary>
    /// The scan of a copy without <c>.git</c>: a small tree of real sources holds no secret; a secret planted in it is
    /// found, one in build output or in an ignored folder is not looked at.
    /// </summary>
    [Fact]
    public void In_a_copy_without_git_a_planted_secret_is_found()
    {
        var repository = RepositoryRoot();
        using var copy = new TemporaryTree();
        string[] copied = [".gitignore", "appsettings.sample.json", "Portal/appsettings.json", "Portal/Payments/StripeSettings.cs"];
        foreach (var file in copied.Concat(SourceTree.WalkedFiles(Path.Combine(repository, "Portal.Domain", "Keys")).Select(f => "Portal.Domain/Keys/" + f)))
            copy.Write(file, File.ReadAllText(Path.Combine(repository, file)));
        Assert.Empty(Scan(copy.Root, SourceTree.Files(copy.Root)));

        // Written in two parts so that this file does not hold a secret-shaped value whole.
        var secret = "{ \"Stripe\": { \"SecretKey\": \"sk_live_" + "51NcQeXAmPLEaBcDeFgHiJkLmNoPqRsTuVwXyZ\" } }\n";
        copy.Write("Portal/appsettings.Production.json", secret);
        copy.Write("Portal/bin/Release/net10.0/appsettings.Production.json", secret);
        copy.Write("Portal/App_Data/appsettings.Production.json", secret);
        var files = SourceTree.Files(copy.Root);
        var findings = Scan(copy.Root, files);

        Assert.Contains("Portal.Domain/Keys/LicenseKeyOptions.cs", files);
        (string File, string Kind)[] planted =
        [
            ("Portal/appsettings.Production.json", "Stripe secret or restricted key"),
            ("Portal/appsettings.Production.json", "secret setting in a JSON file"),
        ];
        Assert.Equal(planted.Order(), findings.Select(f => (f.File, f.Kind)).Order());
    }

    [Theory]
    [InlineData("appsettings.Production.json", "\"SecretKey\": \"sk_live_", "51NcQeXAmPLEaBcDeFgHiJkLmNoPqRsTuVwXyZ\"", "Stripe secret or restricted key")]
    [InlineData("Portal/Payments/Keys.cs", "const string Key = \"rk_test_", "51NcQeXAmPLEaBcDeFgHiJk\";", "Stripe secret or restricted key")]
    [InlineData("deploy.env", "Stripe__WebhookSecret=whsec_", "8sQ2bXWbYxAmPlE0kR4nD0m", "Stripe webhook signing secret")]
    [InlineData("keys/license-signing.pem", "-----BEGIN PRIVATE", " KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", "PEM private key")]
    [InlineData("keys/old.pem", "-----BEGIN EC PRIVATE", " KEY-----\nMHcCAQEEIB", "PEM private key")]
    [InlineData("appsettings.json", "\"ConnectionString\": \"Server=db;User Id=portal;Pass", "word=Winter2026!;Encrypt=True\"", "password in a connection string")]
    [InlineData("Portal/appsettings.Staging.json", "\"Password\": \"smtp-", "pass-Winter2026\"", "secret setting in a JSON file")]
    public void The_scanner_finds_each_kind_of_secret(string file, string start, string rest, string kind)
    {
        // Written in two parts so that this file does not hold a secret-shaped value whole.
        var findings = SecretScanner.Find(file, "line one\n" + start + rest + "\n").ToList();

        Assert.Contains(findings, f => f.Kind == kind && f.Line == 2);
    }

    [Theory]
    [InlineData("appsettings.sample.json", "\"SecretKey\": \"<sk_live_...>\",")]
    [InlineData("appsettings.sample.json", "\"ConnectionString\": \"Server=<host>;User Id=<user>;Password=<password>;Encrypt=True\"")]
    [InlineData("appsettings.sample.json", "\"Password\": \"<smtp-password>\",")]
    [InlineData("Portal/Payments/StripeSettings.cs", "set Stripe:SecretKey (sk_live_... or sk_test_...) and whsec_...")]
    [InlineData("Portal.Tests/Payments/PaymentsHostingTests.cs", ".With(\"Stripe:SecretKey\", \"sk_test_x\").With(\"Stripe:WebhookSecret\", \"whsec_x\")")]
    [InlineData("Portal.Domain/Keys/LicenseKeyOptions.cs", "(PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>)")]
    [InlineData("Portal/Components/Account/Pages/Login.razor", "var password = Input.Password;")]
    public void Placeholders_and_code_about_secrets_are_not_secrets(string file, string line)
    {
        Assert.Empty(SecretScanner.Find(file, line));
    }

    [Fact]
    public async Task Outside_development_portal_refuses_to_start_with_the_signing_key_that_development_created()
    {
        await using var development = new PortalAppFactory();
        var developmentKey = development.Services.GetRequiredService<SigningKeyStore>().Current;
        // What an admin would have to do to reuse it: take the key out of the Development database.
        var exportedPem = developmentKey.SecurityKey.ECDsa.ExportPkcs8PrivateKeyPem();

        await using var production = SecurityApps.Production()
            .With("Portal:DataFolder", development.DataFolder)
            .With("LicenseKeys:SigningKeyPem", exportedPem)
            .With("LicenseKeys:KeyId", "production-2026-1");

        var error = Assert.Throws<InvalidOperationException>(() => production.CreateClient());
        Assert.Equal(KeysHosting.DevelopmentKeyMessage("production-2026-1", developmentKey.KeyId), error.Message);
        Assert.Contains("created in Development", error.Message);
    }

    [Fact]
    public async Task Outside_development_a_key_of_its_own_starts_on_a_database_that_development_used()
    {
        await using var development = new PortalAppFactory();
        var developmentKey = development.Services.GetRequiredService<SigningKeyStore>().Current;

        await using var production = SecurityApps.Production().With("Portal:DataFolder", development.DataFolder);
        production.CreateClient().Dispose();

        var signing = production.Services.GetRequiredService<SigningKeyStore>();
        Assert.False(signing.KeysInDatabase);
        Assert.Equal(TestSigningKeys.KeyId, signing.Current.KeyId);
        Assert.NotEqual(developmentKey.KeyId, signing.Current.KeyId);
    }

    /// <summary>What the scanner finds in the text files among <paramref name="files"/> (binary files are skipped).</summary>
    private static List<SecretFinding> Scan(string root, IEnumerable<string> files)
    {
        var findings = new List<SecretFinding>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(root, file));
            if (bytes.AsSpan(0, Math.Min(bytes.Length, 8000)).Contains((byte)0))
                continue;
            findings.AddRange(SecretScanner.Find(file, Encoding.UTF8.GetString(bytes)));
        }
        return findings;
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }

    /// <summary>A folder of its own under the temporary folder, deleted with everything in it at the end of the test.</summary>
    private sealed class TemporaryTree : IDisposable
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("portal-sources-").FullName;

        public void Write(string relativePath, string text)
        {
            var path = Path.Combine(Root, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}

public sealed record SecretFinding(string File, int Line, string Kind, string Value);

/// <summary>The shapes of the secrets Portal uses (Stripe keys, webhook secrets, private keys, passwords in settings).</summary>
public static partial class SecretScanner
{
    public static IEnumerable<SecretFinding> Find(string file, string text)
    {
        var patterns = new List<(string Kind, Regex Pattern)>
        {
            ("Stripe secret or restricted key", StripeKey()),
            ("Stripe webhook signing secret", WebhookSecret()),
            ("PEM private key", PemPrivateKey()),
            ("password in a connection string", ConnectionStringPassword()),
        };
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            patterns.Add(("secret setting in a JSON file", JsonSecretSetting()));

        foreach (var (kind, pattern) in patterns)
        {
            foreach (Match match in pattern.Matches(text))
            {
                var line = 1 + text.AsSpan(0, match.Index).Count('\n');
                yield return new SecretFinding(file, line, kind, match.Value);
            }
        }
    }

    /// <summary>Stripe's secret (sk_) and restricted (rk_) keys; real ones have long random bodies.</summary>
    [GeneratedRegex(@"\b[sr]k_(live|test)_[A-Za-z0-9_]{8,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"\bwhsec_[A-Za-z0-9_+/=]{8,}")]
    private static partial Regex WebhookSecret();

    [GeneratedRegex(@"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----")]
    private static partial Regex PemPrivateKey();

    /// <summary>A password or pwd value in a connection string, unless the value is a &lt;placeholder&gt; or "...".</summary>
    [GeneratedRegex(@"(?<![A-Za-z])(password|pwd)=(?!<|&lt;|\.\.\.)[^;""'\s]+", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    /// <summary>A secret setting with a value, unless the value is empty or a &lt;placeholder&gt;.</summary>
    [GeneratedRegex(@"""(Password|SecretKey|WebhookSecret|SigningKeyPem)""\s*:\s*""(?!<)[^""]+""")]
    private static partial Regex JsonSecretSetting();
}
