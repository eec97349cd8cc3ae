using Portal.Domain;
using Portal.Domain.Organizations;

namespace Portal.Tests.Domain;

public sealed class OrganizationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Registering_keeps_name_kind_country_and_billing_email()
    {
        var organization = Organization.Register("  Fabrikam School  ", OrganizationKind.Educational, "de", "billing@fabrikam.example", Now);

        Assert.Equal("Fabrikam School", organization.Name);
        Assert.Equal(OrganizationKind.Educational, organization.Kind);
        Assert.Equal("DE", organization.CountryCode);
        Assert.Equal("billing@fabrikam.example", organization.BillingEmail);
        Assert.Equal(Now, organization.CreatedAt);
        Assert.Null(organization.StripeCustomerId);
    }

    [Theory]
    [InlineData("", "US", "needs a name")]
    [InlineData("   ", "US", "needs a name")]
    [InlineData("Fabrikam", "", "not a country")]
    [InlineData("Fabrikam", "XX", "not a country")]
    [InlineData("Fabrikam", "USA", "not a country")]
    public void Registering_with_bad_input_is_refused_with_a_clear_message(string name, string country, string expected)
    {
        var error = Assert.Throws<DomainException>(() =>
            Organization.Register(name, OrganizationKind.Commercial, country, "billing@fabrikam.example", Now));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_name_longer_than_the_limit_is_refused()
    {
        var error = Assert.Throws<DomainException>(() =>
            Organization.Register(new string('a', Organization.NameMaxLength + 1), OrganizationKind.Commercial, "US", "b@f.example", Now));

        Assert.Contains($"at most {Organization.NameMaxLength}", error.Message);
    }

    [Fact]
    public void An_undefined_kind_is_refused()
    {
        Assert.Throws<DomainException>(() =>
            Organization.Register("Fabrikam", (OrganizationKind)42, "US", "b@f.example", Now));
    }

    [Fact]
    public void Countries_list_holds_iso_codes_with_english_names()
    {
        Assert.Contains(Countries.All, country => country is { Code: "US", Name: "United States" });
        Assert.Contains(Countries.All, country => country is { Code: "GB", Name: "United Kingdom" });
        Assert.All(Countries.All, country => Assert.Matches("^[A-Z]{2}$", country.Code));
        Assert.Equal(Countries.All.Count, Countries.All.Select(c => c.Code).Distinct().Count());
    }
}
