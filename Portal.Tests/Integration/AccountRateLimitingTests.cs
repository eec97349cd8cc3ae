using System.Net;

namespace Portal.Tests.Integration;

public sealed class AccountRateLimitingTests
{
    [Fact]
    public async Task Posts_to_the_sign_in_page_beyond_the_limit_are_refused_with_429_and_a_clear_message()
    {
        await using var app = new PortalAppFactory().With("Portal:AccountPostsPerMinute", "3");
        using var client = app.CreateClient();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var allowed = await client.PostAsync("/Account/Login", new FormUrlEncodedContent([]));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }
        var refused = await client.PostAsync("/Account/Login", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many attempts", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
    }
}
