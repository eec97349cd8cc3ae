using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Tests.Integration;

namespace Portal.Tests.Security;

/// <summary>
/// The password rules themselves: at least 12 characters, any characters, and not common or easy to guess
/// (<see cref="CommonPasswordValidator"/>). The forms are attacked over HTTP in <see cref="IdentityHardeningTests"/>.
/// </summary>
public sealed class PasswordRuleTests
{
    private static readonly PortalUser Olga = new() { UserName = "olga.petrova@fabrikam.example", Email = "olga.petrova@fabrikam.example" };

    [Theory]
    [InlineData("password1234")]
    [InlineData("passwordpassword")]
    [InlineData("123456789012")]
    [InlineData("qwertyuiopasdf")]
    [InlineData("abcdefghijklmn")]
    [InlineData("Summer2026!!!!")]
    [InlineData("P@ssw0rd12345")]
    [InlineData("officestatus2026")]
    [InlineData("olgapetrova1985")]
    [InlineData("fabrikam-fabrikam")]
    public async Task Common_or_easily_guessed_passwords_are_refused_with_a_clear_message(string password)
    {
        var result = await new CommonPasswordValidator().ValidateAsync(null!, Olga, password);

        var error = Assert.Single(result.Errors);
        Assert.Equal(CommonPasswordValidator.ErrorCode, error.Code);
        Assert.StartsWith("This password is too common", error.Description);
    }

    [Theory]
    [InlineData("plum cobalt yak")]
    [InlineData("correct horse battery staple")]
    [InlineData("Tr0ub4dor&3-kite")]
    [InlineData("mangoes on a tuesday")]
    [InlineData(DevelopmentData.DemoPassword)]
    public async Task Passphrases_and_random_passwords_pass_whatever_characters_they_use(string password)
    {
        var result = await new CommonPasswordValidator().ValidateAsync(null!, Olga, password);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    [Fact]
    public async Task A_very_long_password_is_judged_quickly_by_its_first_hundred_characters()
    {
        var repeated = new string('a', 5000);
        var longAndStrong = "plum cobalt yak " + new string('z', 5000);

        Assert.False((await new CommonPasswordValidator().ValidateAsync(null!, Olga, repeated)).Succeeded);
        Assert.True((await new CommonPasswordValidator().ValidateAsync(null!, Olga, longAndStrong)).Succeeded);
    }

    [Fact]
    public async Task Identity_as_the_app_configures_it_wants_twelve_characters_and_nothing_about_their_kinds()
    {
        await using var app = new PortalAppFactory();
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.Password;
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        async Task<IdentityResult> Check(string password)
        {
            var errors = new List<IdentityError>();
            foreach (var validator in users.PasswordValidators)
                errors.AddRange((await validator.ValidateAsync(users, Olga, password)).Errors);
            return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
        }

        Assert.Equal((12, false, false, false, false), (options.RequiredLength, options.RequireDigit, options.RequireLowercase, options.RequireUppercase, options.RequireNonAlphanumeric));
        Assert.Equal(PasswordRules.MinimumLength, options.RequiredLength);
        Assert.Contains((await Check("plum cobal")).Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort));
        Assert.True((await Check("plum cobalt yak")).Succeeded);
        Assert.Contains((await Check("password1234")).Errors, e => e.Code == CommonPasswordValidator.ErrorCode);
        Assert.Equal("At least 12 characters. " + PasswordRules.CommonPasswordRule, PasswordRules.Describe(options));
    }
}
