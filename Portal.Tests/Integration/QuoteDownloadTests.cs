using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Quotes;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;
using Portal.Tests.Domain;

namespace Portal.Tests.Integration;

/// <summary>
/// The quote PDF through the real app and its real sign-in: every member of the quote's organization downloads it,
/// another organization's member finds nothing, staff download any organization's at the staff address.
/// </summary>
public sealed class QuoteDownloadTests(PortalApp app) : IClassFixture<PortalApp>
{
    [Theory]
    [InlineData(DevelopmentData.CustomerEmail)] // owner
    [InlineData(DevelopmentData.FinanceEmail)] // Billing
    [InlineData(DevelopmentData.ConsultantEmail)] // Technical, acting in Contoso
    public async Task Every_member_downloads_their_organizations_quote_as_a_pdf_attachment(string member)
    {
        var quote = await QuoteAsync(DevelopmentData.DemoOrganizationName);
        using var client = await SignedInAsync(member);

        var response = await client.GetAsync(QuotePaths.Pdf(quote.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{quote.Number}.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var text = PdfText.Read(await response.Content.ReadAsByteArrayAsync()).All;
        Assert.Contains($"Quote number {quote.Number}", text);
        Assert.Contains(DevelopmentData.DemoOrganizationName, text);
        Assert.Contains($"Total {quote.Total}", text);
    }

    [Fact]
    public async Task Another_organizations_quote_and_an_unknown_one_are_not_found()
    {
        var theirs = await QuoteAsync(DevelopmentData.ConsultantOrganizationName);
        using var client = await SignedInAsync(DevelopmentData.CustomerEmail);

        var response = await client.GetAsync(QuotePaths.Pdf(theirs.Id));
        var unknown = await client.GetAsync(QuotePaths.Pdf(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.NotEqual("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(theirs.Number, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/quotes/not-a-quote/pdf")]
    [InlineData("/quotes/12345/pdf")]
    [InlineData("/quotes/%27%3B--%20DROP/pdf")]
    [InlineData("/staff/quotes/not-a-quote/pdf")]
    public async Task A_malformed_quote_id_is_not_found_rather_than_an_error(string path)
    {
        using var customer = await SignedInAsync(DevelopmentData.CustomerEmail);
        using var sales = await SignedInAsync(DevelopmentData.SalesEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sales.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var quote = await QuoteAsync(DevelopmentData.DemoOrganizationName);
        using var client = NewClient();

        foreach (var path in new[] { QuotePaths.Pdf(quote.Id), QuotePaths.StaffPdf(quote.Id) })
        {
            var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }
    }

    [Theory]
    [InlineData(DevelopmentData.SalesEmail)]
    [InlineData(DevelopmentData.SupportEmail)]
    [InlineData(DevelopmentData.AdminEmail)]
    public async Task Staff_download_any_organizations_quote_at_the_staff_address_but_not_at_the_customers(string staff)
    {
        var contoso = await QuoteAsync(DevelopmentData.DemoOrganizationName);
        var northwind = await QuoteAsync(DevelopmentData.ConsultantOrganizationName);
        using var client = await SignedInAsync(staff);

        foreach (var quote in new[] { contoso, northwind })
        {
            var response = await client.GetAsync(QuotePaths.StaffPdf(quote.Id));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal($"{quote.Number}.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Contains($"Quote number {quote.Number}", PdfText.Read(await response.Content.ReadAsByteArrayAsync()).All);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(QuotePaths.StaffPdf(Guid.NewGuid()))).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(QuotePaths.Pdf(contoso.Id))).StatusCode);
    }

    [Fact]
    public async Task A_customer_cannot_use_the_staff_address()
    {
        var quote = await QuoteAsync(DevelopmentData.DemoOrganizationName);
        using var client = await SignedInAsync(DevelopmentData.CustomerEmail);

        var response = await client.GetAsync(QuotePaths.StaffPdf(quote.Id));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentDisposition);
    }

    private HttpClient NewClient() => app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.SignInAsync(client, email, DevelopmentData.DemoPassword)).StatusCode);
        return client;
    }

    /// <summary>A new quote of the organization for one 5-user pack, asked for by a Billing member.</summary>
    private async Task<Quote> QuoteAsync(string organizationName)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = await db.Organizations.SingleAsync(o => o.Name == organizationName);
        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        var buyer = Actor.Person("quote-buyer", "buyer@example.org", Roles.Customer).In(organization.Id, MemberRoles.Billing);
        return await scope.ServiceProvider.GetRequiredService<QuoteService>()
            .CreateAsync(organization.Id, buyer, "buyer@example.org", Carts.Of(product, [(5, 1)], []));
    }
}
