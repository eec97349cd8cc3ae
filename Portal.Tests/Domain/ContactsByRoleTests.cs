using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Outbox;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Contacts by role (docs/rules.md#members): keys to Technical members and the billing email, receipts to Billing
/// members and the billing email, evaluation decisions to the requester and Technical members, discount decisions to
/// the requester and Billing members; owners count as holding every role, and each address gets an email once.
/// </summary>
public sealed class ContactsByRoleTests : IAsyncLifetime
{
    private const string Billing = "billing@contoso.example";
    private const string StripeReceipt = "https://pay.stripe.com/receipts/payment/r_test_1";
    private DomainFixture _fx = null!;
    private Actor _owner = null!;
    private Actor _technical = null!;
    private Actor _billing = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _owner = await MemberAsync("olga@contoso.example", MemberRoles.Owner);
        _technical = await MemberAsync("ted@contoso.example", MemberRoles.Technical);
        _billing = await MemberAsync("bea@contoso.example", MemberRoles.Billing);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task A_paid_orders_keys_go_to_technical_members_owners_and_the_billing_email_not_to_a_billing_only_buyer()
    {
        var order = await _fx.Order().By(_billing).Packs((25, 1), (10, 1)).PaidAsync();

        var registration = await MessageAsync($"registration:{order.Id:N}");
        Assert.Equal(["olga@contoso.example", "ted@contoso.example", Billing], registration.To);
        Assert.Equal(2, registration.Attachments.Count);
        await using var db = _fx.Db();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "registration.queued");
        Assert.Equal($"Registration email for 2 licenses sent to olga@contoso.example, ted@contoso.example, {Billing}.", audit.Summary);
    }

    [Fact]
    public async Task A_paid_order_sends_a_receipt_to_billing_members_owners_and_the_billing_email_with_its_lines_total_and_stripe_receipt()
    {
        var order = await _fx.Order().By(_billing).Packs((25, 1), (10, 2)).PaidAsync(StripeReceipt);

        var receipt = await MessageAsync($"receipt:{order.Id:N}");
        Assert.Equal(["bea@contoso.example", "olga@contoso.example", Billing], receipt.To);
        Assert.Equal("Receipt for your order of 29 November 2026 – Contoso Ltd", receipt.Subject);
        Assert.Contains($"Order: {order.Id}", receipt.TextBody);
        Assert.Contains("Placed: 29 November 2026", receipt.TextBody);
        foreach (var line in order.Lines)
        {
            Assert.Contains($"{line.Quantity} × {line.Description} at {line.UnitPrice}: {line.Total}", receipt.TextBody);
            Assert.Contains(line.Description, receipt.HtmlBody);
        }
        Assert.Contains("Total paid: USD 1,815.00", receipt.TextBody);
        Assert.Contains($"Stripe's receipt for the payment: {StripeReceipt}", receipt.TextBody);
        Assert.Contains($"<a href=\"{StripeReceipt}\">", receipt.HtmlBody);
        Assert.DoesNotContain("List price", receipt.TextBody);
    }

    [Fact]
    public async Task A_receipt_shows_the_discount_and_no_stripe_link_when_stripe_gave_none()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 20);
        var order = await _fx.Order().By(_billing).Packs((10, 1)).PaidAsync();

        var receipt = await MessageAsync($"receipt:{order.Id:N}");
        Assert.Contains($"List price: {order.Subtotal}", receipt.TextBody);
        Assert.Contains($"{order.DiscountDescription}: −{order.DiscountTotal}", receipt.TextBody);
        Assert.Contains($"Total paid: {order.Total}", receipt.TextBody);
        Assert.DoesNotContain("Stripe's receipt", receipt.TextBody);
    }

    [Fact]
    public async Task A_member_whose_address_is_the_billing_email_gets_each_email_once()
    {
        await MemberAsync("Billing@Contoso.example", MemberRoles.Technical | MemberRoles.Billing);

        var order = await _fx.Order().By(_billing).Packs((5, 1)).PaidAsync();

        Assert.Equal(["Billing@Contoso.example", "olga@contoso.example", "ted@contoso.example"], (await MessageAsync($"registration:{order.Id:N}")).To);
        Assert.Equal(["Billing@Contoso.example", "bea@contoso.example", "olga@contoso.example"], (await MessageAsync($"receipt:{order.Id:N}")).To);
    }

    [Fact]
    public async Task Registration_sent_again_goes_to_technical_members_and_the_billing_email_and_to_the_member_who_asked()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var db = _fx.Db();
        var registration = _fx.Get<RegistrationEmail>();

        await registration.ResendAsync(db, _fx.Contoso.Id, requestedByEmail: null, DomainFixture.Support);
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));
        await registration.ResendAsync(db, _fx.Contoso.Id, "ted@contoso.example", _technical);

        var sent = await db.OutboxMessages.AsNoTracking().OrderBy(m => m.CreatedAt).Select(m => m.To).ToListAsync();
        Assert.Equal(2, sent.Count);
        Assert.Equal(["olga@contoso.example", "ted@contoso.example", Billing], sent[0]);
        Assert.Equal(["ted@contoso.example", "olga@contoso.example", Billing], sent[1]);
    }

    [Fact]
    public async Task An_extension_decision_goes_to_the_requester_and_technical_members_not_to_billing_members_or_the_billing_email()
    {
        var requester = await MemberAsync("ria@contoso.example", MemberRoles.Technical);
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, requester);
        var request = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Pilot", requester);

        await evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Support);

        Assert.Equal(["ria@contoso.example", "olga@contoso.example", "ted@contoso.example"],
            (await MessageAsync($"extension-decision:{request.Id:N}")).To);
    }

    [Fact]
    public async Task A_discount_decision_goes_to_the_requester_and_billing_members_not_to_technical_members_or_the_billing_email()
    {
        var applicant = await MemberAsync("ria@contoso.example", MemberRoles.Billing);
        var discounts = _fx.Get<DiscountService>();
        var application = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 1234567", [], applicant);

        await discounts.DenyAsync(application.Id, "Please attach your registration", DomainFixture.Sales);

        Assert.Equal(["ria@contoso.example", "bea@contoso.example", "olga@contoso.example"],
            (await MessageAsync($"discount-decision:{application.Id:N}")).To);
    }

    [Fact]
    public async Task A_decision_for_an_organization_without_members_goes_to_its_billing_email()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var discounts = _fx.Get<DiscountService>();
        var application = await discounts.SubmitAsync(fabrikam.Id, DiscountKind.Nonprofit, "Charity 1234567", [], DomainFixture.CustomerIn(fabrikam.Id));

        await discounts.ApproveAsync(application.Id, 40, null, null, DomainFixture.Sales);

        Assert.Equal(["billing@fabrikam.example"], (await MessageAsync($"discount-decision:{application.Id:N}")).To);
    }

    [Fact]
    public async Task A_team_larger_than_one_email_carries_gets_its_keys_in_parts_and_history_counts_the_addresses()
    {
        await using (var db = _fx.Db())
        {
            for (var i = 0; i < OutboxMessage.MaxRecipients; i++)
            {
                var email = $"tech{i:D2}@contoso.example";
                var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
                user.JoinAs(db, _fx.Contoso.Id, MemberRoles.Technical);
                db.Users.Add(user);
            }
            await db.SaveChangesAsync();
        }

        var order = await _fx.Order().By(_billing).Packs((5, 1)).PaidAsync();

        await using var check = _fx.Db();
        var parts = await check.OutboxMessages.AsNoTracking()
            .Where(m => m.DeduplicationKey!.StartsWith($"registration:{order.Id:N}"))
            .OrderBy(m => m.DeduplicationKey).ToListAsync();
        Assert.Equal([$"registration:{order.Id:N}", $"registration:{order.Id:N}:2"], parts.Select(m => m.DeduplicationKey));
        var to = parts.SelectMany(m => m.To).ToList();
        Assert.Equal(OutboxMessage.MaxRecipients + 3, to.Count);
        Assert.Equal(to.Count, to.Distinct().Count());
        Assert.Contains(Billing, to);
        var audit = await check.AuditEvents.SingleAsync(e => e.Action == "registration.queued");
        Assert.Equal($"Registration email for 1 license sent to {OutboxMessage.MaxRecipients + 3} addresses, the Technical members and the billing email.", audit.Summary);
    }

    private async Task<Actor> MemberAsync(string email, MemberRoles roles)
    {
        await using var db = _fx.Db();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinAs(db, _fx.Contoso.Id, roles);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return Actor.Person(user.Id, email, Roles.Customer).In(_fx.Contoso.Id, roles);
    }

    private async Task<OutboxMessage> MessageAsync(string key)
    {
        await using var db = _fx.Db();
        return await db.OutboxMessages.AsNoTracking().Include(m => m.Attachments).SingleAsync(m => m.DeduplicationKey == key);
    }
}
