using System.Reflection;
using Microsoft.Extensions.Configuration;
using Portal.Domain.Data;
using Portal.Outbox;
using Portal.Quotes;

namespace Portal.Tests.Integration;

public sealed class SampleSettingsTests
{
    private static IConfigurationRoot Sample()
    {
        var path = Path.Combine(RepositoryRoot(), "appsettings.sample.json");
        return new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }

    public static TheoryData<string, Type> SettingsSections => new()
    {
        { DatabaseSettings.SectionName, typeof(DatabaseSettings) },
        { SmtpSettings.SectionName, typeof(SmtpSettings) },
        { QuoteSettings.SectionName, typeof(QuoteSettings) },
    };

    [Theory]
    [MemberData(nameof(SettingsSections))]
    public void Sample_settings_document_every_property_of_each_settings_class(string section, Type settings)
    {
        var sample = Sample().GetSection(section);

        foreach (var property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.True(sample.GetSection(property.Name).Exists(), $"appsettings.sample.json lacks {section}:{property.Name}");
    }

    [Theory]
    [InlineData("Portal:DataFolder")]
    [InlineData("Portal:InitialAdminEmail")]
    [InlineData("Portal:AccountPostsPerMinute")]
    [InlineData("Portal:WebhookPostsPerMinute")]
    [InlineData("Portal:SecurityRevalidationInterval")]
    [InlineData("Logging:Console:FormatterName")]
    [InlineData("AllowedHosts")]
    public void Sample_settings_document_the_other_settings(string key)
    {
        Assert.True(Sample().GetSection(key).Exists(), $"appsettings.sample.json lacks {key}");
    }
}
