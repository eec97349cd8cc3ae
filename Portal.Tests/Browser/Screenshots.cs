using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Screenshots of the pages the browser tests visit, saved as test output in <c>TestResults/screenshots</c> at the
/// repository root (or the folder in <c>PORTAL_SCREENSHOTS</c>). The README's pictures in <c>docs/screenshots</c> are
/// copied from there (README, "What it looks like").
/// </summary>
public static class Screenshots
{
    public const string FolderVariable = "PORTAL_SCREENSHOTS";

    public static string Folder { get; } = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
        ? folder
        : Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    /// <summary>Saves what the viewport shows as <c>{name}.png</c>, after any animation has finished.</summary>
    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Folder, name + ".png"),
            Animations = ScreenshotAnimations.Disabled,
        });
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
                return folder.FullName;
        }
        return Path.GetTempPath();
    }
}
