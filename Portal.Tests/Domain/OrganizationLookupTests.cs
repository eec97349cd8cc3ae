using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The server-side search behind the staff's organization pickers.</summary>
public sealed class OrganizationLookupTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private async Task<IReadOnlyList<string>> SearchAsync(string? text, int limit = OrganizationLookup.MaxResults)
    {
        await using var db = _fx.Db();
        return (await OrganizationLookup.SearchAsync(db, text, limit)).Select(o => o.Name).ToList();
    }

    [Fact]
    public async Task Finds_organizations_by_part_of_their_name_or_billing_email_letter_case_aside_sorted_by_name()
    {
        await _fx.AddOrganizationAsync("Fabrikam");
        await _fx.AddOrganizationAsync("Northwind Contoso Partners");

        Assert.Equal(["Contoso Ltd", "Northwind Contoso Partners"], await SearchAsync("CONTOSO"));
        Assert.Equal(["Fabrikam"], await SearchAsync("billing@fabrikam"));
        Assert.Empty(await SearchAsync("Tailspin"));
    }

    [Fact]
    public async Task Wildcards_in_the_text_are_plain_characters()
    {
        await _fx.AddOrganizationAsync("100% Green");
        await _fx.AddOrganizationAsync("A_B Partners");

        Assert.Equal(["100% Green"], await SearchAsync("0%"));
        Assert.Equal(["A_B Partners"], await SearchAsync("_"));
        Assert.Empty(await SearchAsync("[a-z]"));
    }

    [Fact]
    public async Task Without_text_it_lists_the_first_ones_and_never_more_than_the_limit()
    {
        for (var i = 1; i <= 25; i++)
            await _fx.AddOrganizationAsync($"Org {i:00}");

        Assert.Equal(OrganizationLookup.MaxResults, (await SearchAsync(null, limit: 500)).Count);
        Assert.Equal(["Contoso Ltd", "Org 01", "Org 02"], await SearchAsync("  ", limit: 3));
    }
}
