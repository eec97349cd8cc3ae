using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Outbox;
using Portal.Domain.Members;

namespace Portal.Domain.Discounts;

/// <summary>R7: applications with evidence, sales decisions made exactly once, and the best usable discount.</summary>
public sealed class DiscountService(
    IDbContextFactory<PortalDbContext> dbFactory,
    AuditLog audit,
    EmailOutbox outbox,
    TimeProvider clock)
{
    public async Task<DiscountApplication> SubmitAsync(
        Guid organizationId, DiscountKind kind, string evidence, IReadOnlyList<DiscountAttachment> attachments, Actor actor,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "apply for discounts", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.DiscountApplications.AnyAsync(a => a.OrganizationId == organizationId && a.Kind == kind
                && a.Status == DiscountStatus.Pending, cancellationToken))
            throw new DomainException("You already have an application for this discount waiting for a decision.");

        var application = DiscountApplication.Submit(organizationId, kind, evidence, attachments, actor.UserId ?? "", clock.GetUtcNow());
        db.DiscountApplications.Add(application);
        audit.Record(db, actor, "discount.applied", nameof(DiscountApplication), application.Id, organizationId,
            $"Applied for the {Describe(kind)} discount with {attachments.Count} attached {"document".ToQuantity(attachments.Count, ShowQuantityAs.None)}.");
        await db.SaveChangesAsync(cancellationToken);
        return application;
    }

    /// <summary>Approves with the given percent and validity, or the catalog's <see cref="DiscountDefaults"/> for the kind; the customer is emailed.</summary>
    public Task<DiscountApplication> ApproveAsync(
        Guid applicationId, int? percent, DateTimeOffset? validUntil, string? note, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(applicationId, async (db, application) =>
        {
            var now = clock.GetUtcNow();
            var (approvedPercent, approvedUntil) = (percent, validUntil);
            if (approvedPercent is null || approvedUntil is null)
            {
                var defaults = await DefaultsAsync(db, cancellationToken);
                approvedPercent ??= defaults.PercentFor(application.Kind);
                approvedUntil ??= now.AddDays(defaults.ValidityDays);
            }
            application.Approve(approvedPercent.Value, approvedUntil.Value, note, actor, now);
            audit.Record(db, actor, "discount.approved", nameof(DiscountApplication), application.Id, application.OrganizationId,
                $"{Describe(application.Kind)} discount of {application.Percent} % approved, valid until {application.ValidUntil:yyyy-MM-dd}.");
            await EmailDecisionAsync(db, application, $"Your {Describe(application.Kind).ToLowerInvariant()} discount is approved",
                [
                    $"Good news: your application for the {Describe(application.Kind).ToLowerInvariant()} discount was approved.",
                    $"{application.Percent} % comes off every order placed in the portal until {application.ValidUntil:d MMMM yyyy}"
                        + (application.Kind == DiscountKind.CrossGrade ? " (the cross-grade discount applies to one order)." : "."),
                    .. NoteParagraph(application.Note),
                ], cancellationToken);
        }, cancellationToken);

    /// <summary>Denies with a reason, which the customer is emailed.</summary>
    public Task<DiscountApplication> DenyAsync(Guid applicationId, string reason, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(applicationId, async (db, application) =>
        {
            application.Deny(reason, actor, clock.GetUtcNow());
            audit.Record(db, actor, "discount.denied", nameof(DiscountApplication), application.Id, application.OrganizationId,
                $"{Describe(application.Kind)} discount application denied: {application.Note}");
            await EmailDecisionAsync(db, application, $"Your {Describe(application.Kind).ToLowerInvariant()} discount application",
                [
                    $"We are sorry: your application for the {Describe(application.Kind).ToLowerInvariant()} discount was not approved.",
                    $"The reason: {application.Note}",
                    "You can apply again in the portal with more evidence.",
                ], cancellationToken);
        }, cancellationToken);

    /// <summary>The catalog's default percentages and validity (R7), as an admin last set them.</summary>
    public static Task<DiscountDefaults> DefaultsAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        db.DiscountDefaults.AsNoTracking().SingleAsync(d => d.Id == DiscountDefaults.SingleRowId, cancellationToken);

    /// <summary>R7: at most one discount applies: the largest usable one (a tie prefers the one that is not used up).</summary>
    public static async Task<DiscountApplication?> BestUsableAsync(
        PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var approved = await db.DiscountApplications.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && a.Status == DiscountStatus.Approved)
            .ToListAsync(cancellationToken);
        return BestUsable(approved, now);
    }

    /// <inheritdoc cref="BestUsableAsync"/>
    public static DiscountApplication? BestUsable(IEnumerable<DiscountApplication> applications, DateTimeOffset now)
    {
        return applications.Where(a => a.Status == DiscountStatus.Approved && a.IsUsableAt(now))
            .OrderByDescending(a => a.Percent)
            .ThenBy(a => a.Kind == DiscountKind.CrossGrade)
            .ThenBy(a => a.ValidUntil)
            .FirstOrDefault();
    }

    /// <summary>Marks a cross-grade discount as used by an order, inside the caller's unit of work.</summary>
    public async Task ConsumeAsync(PortalDbContext db, Guid applicationId, Guid orderId, Actor actor, CancellationToken cancellationToken = default)
    {
        var application = await db.DiscountApplications.SingleAsync(a => a.Id == applicationId, cancellationToken);
        if (application.Kind != DiscountKind.CrossGrade)
            return;
        application.ConsumeBy(orderId, clock.GetUtcNow());
        audit.Record(db, actor, "discount.consumed", nameof(DiscountApplication), application.Id, application.OrganizationId,
            "Cross-grade discount used by an order.");
    }

    public static string Describe(DiscountKind kind) => kind switch
    {
        DiscountKind.Nonprofit => "Nonprofit",
        DiscountKind.Educational => "Educational",
        DiscountKind.Governmental => "Governmental",
        DiscountKind.CrossGrade => "Cross-grade",
        _ => kind.ToString(),
    };

    /// <summary>How a usable discount reads in quotes and on the dashboard.</summary>
    public static string Explain(DiscountApplication approved) =>
        $"{Describe(approved.Kind)} discount of {approved.Percent} %, approved until {approved.ValidUntil:yyyy-MM-dd}";

    private static IEnumerable<string> NoteParagraph(string? note) =>
        string.IsNullOrWhiteSpace(note) ? [] : [$"A note from our sales team: {note}"];

    private async Task EmailDecisionAsync(
        PortalDbContext db, DiscountApplication application, string subject, string[] paragraphs, CancellationToken cancellationToken)
    {
        var to = await DecisionEmail.RecipientsAsync(db, application.OrganizationId, application.AppliedByUserId, MemberRoles.Billing, cancellationToken);
        if (to.Count > 0)
            outbox.EnqueueInParts(db, DecisionEmail.Compose(to, subject, $"discount-decision:{application.Id:N}", paragraphs));
    }

    private async Task<DiscountApplication> DecideAsync(
        Guid applicationId, Func<PortalDbContext, DiscountApplication, Task> decide, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var application = await db.DiscountApplications.SingleOrDefaultAsync(a => a.Id == applicationId, cancellationToken)
            ?? throw new DomainException("That discount application does not exist.");
        await decide(db, application);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else decided this application at the same moment. Reload to see their decision.");
        }
        return application;
    }
}
