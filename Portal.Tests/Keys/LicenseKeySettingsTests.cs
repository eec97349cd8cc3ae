using System.Reflection;
using Microsoft.Extensions.Configuration;
using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

public sealed class LicenseKeySettingsTests
{
    [Fact]
    public void The_sample_settings_document_every_license_key_setting()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        var sample = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(folder!.FullName, "appsettings.sample.json"), optional: false)
            .Build()
            .GetSection(LicenseKeyOptions.SectionName);

        foreach (var property in typeof(LicenseKeyOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.True(sample.GetSection(property.Name).Exists(), $"appsettings.sample.json lacks LicenseKeys:{property.Name}");
        foreach (var property in typeof(RetiredPublicKeyOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.True(sample.GetSection($"RetiredPublicKeys:0:{property.Name}").Exists(), $"appsettings.sample.json lacks LicenseKeys:RetiredPublicKeys:0:{property.Name}");
    }
}
