namespace Portal.Tests.Integration;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_reports_healthy_when_the_database_answers()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
