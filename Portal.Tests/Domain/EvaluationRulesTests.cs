using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Keys;
using Portal.Domain.Members;
using Portal.Tests.Builders;
using Portal.Tests.Components;

namespace Portal.Tests.Domain;

/// <summary>R9: evaluations, their extension requests and support's decisions, on a real SQLite database.</summary>
public sealed class EvaluationRulesTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private EvaluationService Evaluations => _fx.Get<EvaluationService>();

    private Task<Evaluation> StartAsync() => Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));

    [Fact]
    public async Task R9_an_evaluation_runs_30_days_with_an_expiring_key()
    {
        var evaluation = await StartAsync();

        Assert.Equal(DomainFixture.Start.AddDays(30), evaluation.ExpiresAt);
        Assert.Equal(6, evaluation.Major);
        var claims = _fx.Signer.LastFor(evaluation.Id);
        Assert.Equal(LicenseKind.Evaluation, claims.Kind);
        Assert.Equal(evaluation.ExpiresAt, claims.ExpiresAt);
        Assert.Equal(evaluation.Key, (await ReloadAsync(evaluation)).Key);
    }

    [Fact]
    public async Task R9_one_evaluation_per_organization_product_and_major()
    {
        await StartAsync();

        var error = await Assert.ThrowsAsync<DomainException>(StartAsync);

        Assert.Contains("already evaluated OfficeStatus 6", error.Message);
    }

    [Fact]
    public async Task R9_a_new_major_can_be_evaluated_again()
    {
        await StartAsync();
        await _fx.ReleaseAsync(7, 0);

        var second = await StartAsync();

        Assert.Equal(7, second.Major);
    }

    [Fact]
    public async Task R9_two_starts_at_the_same_moment_make_one_evaluation()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await StartAsync();
                return true;
            }
            catch (DomainException)
            {
                return false;
            }
        }));

        Assert.Equal(1, results.Count(started => started));
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Evaluations.CountAsync());
    }

    [Fact]
    public async Task R9_support_grants_an_extension_and_the_key_is_reissued_with_the_new_expiry()
    {
        var evaluation = await StartAsync();
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 14, "Pilot with a second site", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var extended = await Evaluations.GrantAsync(request.Id, 14, "Good luck with the pilot", DomainFixture.Support);

        Assert.Equal(DomainFixture.Start.AddDays(44), extended.ExpiresAt);
        Assert.Equal(extended.ExpiresAt, _fx.Signer.LastFor(evaluation.Id).ExpiresAt);
        Assert.NotEqual(evaluation.Key, extended.Key);
        var stored = await ReloadAsync(evaluation);
        Assert.Equal((ExtensionStatus.Granted, 14, "sam@keymetric.example"),
            (stored.Requests.Single().Status, stored.Requests.Single().DaysGranted, stored.Requests.Single().DecidedByName));
    }

    [Fact]
    public async Task R9_an_extension_beyond_max_extension_days_is_refused_for_support_and_allowed_for_an_admin()
    {
        var evaluation = await StartAsync();
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 30, "Long rollout", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var error = await Assert.ThrowsAsync<DomainException>(() => Evaluations.GrantAsync(request.Id, 31, null, DomainFixture.Support));
        var byAdmin = await Evaluations.GrantAsync(request.Id, 31, null, DomainFixture.Admin);

        Assert.Contains("at most 30 days", error.Message);
        Assert.Equal(DomainFixture.Start.AddDays(61), byAdmin.ExpiresAt);
    }

    [Fact]
    public async Task R9_the_whole_evaluation_cannot_exceed_max_evaluation_days_unless_an_admin_grants_it()
    {
        var evaluation = await StartAsync();
        for (var round = 0; round < 2; round++)
        {
            var granted = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 30, "More testing", DomainFixture.CustomerIn(_fx.Contoso.Id));
            await Evaluations.GrantAsync(granted.Id, 30, null, DomainFixture.Support);
        }
        var fourth = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 5, "Board meeting next week", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var error = await Assert.ThrowsAsync<DomainException>(() => Evaluations.GrantAsync(fourth.Id, 5, null, DomainFixture.Support));
        var byAdmin = await Evaluations.GrantAsync(fourth.Id, 5, "Exception approved", DomainFixture.Admin);

        Assert.Contains("limit is 90 days", error.Message);
        Assert.Equal(DomainFixture.Start.AddDays(95), byAdmin.ExpiresAt);
    }

    [Fact]
    public async Task R9_an_expired_evaluation_is_extended_from_today()
    {
        var evaluation = await StartAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(40));
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Back from holidays", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var extended = await Evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Support);

        Assert.Equal(DomainFixture.Start.AddDays(50), extended.ExpiresAt);
    }

    [Fact]
    public async Task R9_a_request_is_decided_exactly_once_when_two_staff_press_at_the_same_moment()
    {
        var evaluation = await StartAsync();
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var outcomes = await Task.WhenAll(
            Attempt(() => Evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Support)),
            Attempt(() => Evaluations.DenyAsync(request.Id, "No", DomainFixture.Admin)),
            Attempt(() => Evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Admin)));

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.OfType<DomainException>(), e => Assert.Matches("already|at the same moment", e.Message));
        var stored = await ReloadAsync(evaluation);
        var decided = stored.Requests.Single();
        Assert.NotEqual(ExtensionStatus.Pending, decided.Status);
        Assert.Equal(decided.Status == ExtensionStatus.Granted ? DomainFixture.Start.AddDays(40) : DomainFixture.Start.AddDays(30), stored.ExpiresAt);
        await using var db = _fx.Db();
        Assert.Single(await db.OutboxMessages.ToListAsync());
    }

    [Fact]
    public async Task R9_a_grant_emails_the_new_expiry_and_a_denial_the_reason_to_the_requester_and_technical_members()
    {
        var requester = await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ana@contoso.example", MemberRoles.Technical);
        var asking = Actor.Person(requester.Id, "ana@contoso.example", Roles.Customer).In(_fx.Contoso.Id, MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "ted@contoso.example", MemberRoles.Technical);
        await CustomerPageContext.AddMemberAsync(_fx, _fx.Contoso, "bea@contoso.example", MemberRoles.Billing);
        var evaluation = await StartAsync();
        var first = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 14, "Pilot", asking);
        await Evaluations.GrantAsync(first.Id, 14, "Good luck", DomainFixture.Support);
        var second = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 20, "Board meets late", asking);

        await Evaluations.DenyAsync(second.Id, "Please buy seats now", DomainFixture.Support);

        await using var db = _fx.Db();
        var emails = await db.OutboxMessages.OrderBy(m => m.CreatedAt).ToListAsync();
        Assert.Equal(2, emails.Count);
        Assert.All(emails, e => Assert.Equal(["ana@contoso.example", "ted@contoso.example"], e.To));
        Assert.Equal("Your OfficeStatus evaluation is extended", emails[0].Subject);
        Assert.Contains("granted 14 more days", emails[0].TextBody);
        Assert.Contains("It now runs until 12 January 2027.", emails[0].TextBody);
        Assert.Contains("The reason: Please buy seats now", emails[1].TextBody);
    }

    [Fact]
    public async Task R9_a_customer_cannot_decide_and_cannot_ask_twice_at_once()
    {
        var evaluation = await StartAsync();
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));

        var decide = await Assert.ThrowsAsync<DomainException>(() => Evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Customer));
        var twice = await Assert.ThrowsAsync<DomainException>(() =>
            Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 5, "More", DomainFixture.CustomerIn(_fx.Contoso.Id)));

        Assert.Contains("Only Support staff", decide.Message);
        Assert.Contains("already have an extension request", twice.Message);
    }

    [Fact]
    public async Task R9_another_organization_cannot_ask_to_extend_an_evaluation()
    {
        var evaluation = await StartAsync();
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Evaluations.RequestExtensionAsync(fabrikam.Id, evaluation.Id, 10, "Mine now", DomainFixture.CustomerIn(fabrikam.Id)));

        Assert.Contains("does not exist", error.Message);
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (DomainException error)
        {
            return error;
        }
    }

    private async Task<Evaluation> ReloadAsync(Evaluation evaluation)
    {
        await using var db = _fx.Db();
        return await db.Evaluations.AsNoTracking().Include(e => e.Requests).SingleAsync(e => e.Id == evaluation.Id);
    }
}
