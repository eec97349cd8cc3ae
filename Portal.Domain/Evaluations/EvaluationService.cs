using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Outbox;
using Portal.Domain.Members;

namespace Portal.Domain.Evaluations;

/// <summary>
/// R9: start an evaluation, ask for more time, and support's decisions — each decided exactly once — under the
/// product's <see cref="EvaluationTerms"/> as they are at that moment.
/// </summary>
public sealed class EvaluationService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ILicenseKeySigner signer,
    AuditLog audit,
    EmailOutbox outbox,
    TimeProvider clock)
{
    public async Task<Evaluation> StartAsync(Guid organizationId, Guid productId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "start an evaluation", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == productId, cancellationToken)
            ?? throw new DomainException("That product does not exist.");
        if (await db.Evaluations.AnyAsync(e => e.OrganizationId == organizationId && e.ProductId == productId
                && e.Major == product.CurrentMajor, cancellationToken))
            throw AlreadyEvaluated(product);

        var evaluation = Evaluation.Start(organizationId, product, clock.GetUtcNow());
        await SignAsync(db, evaluation, organization.Name, product, cancellationToken);
        db.Evaluations.Add(evaluation);
        audit.Record(db, actor, "evaluation.started", nameof(Evaluation), evaluation.Id, organizationId,
            $"{product.Evaluation.EvaluationDays}-day evaluation of {product.Name} {product.CurrentMajor} started; it runs until {evaluation.ExpiresAt:yyyy-MM-dd}.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index caught a start made at the same moment.
            throw AlreadyEvaluated(product);
        }
        return evaluation;
    }

    public async Task<ExtensionRequest> RequestExtensionAsync(
        Guid organizationId, Guid evaluationId, int days, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "ask for more evaluation time", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluation = await db.Evaluations.Include(e => e.Requests)
            .SingleOrDefaultAsync(e => e.Id == evaluationId && e.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That evaluation does not exist.");
        var terms = await db.Products.Where(p => p.Id == evaluation.ProductId).Select(p => p.Evaluation).SingleAsync(cancellationToken);
        var request = evaluation.RequestExtension(days, reason, actor.UserId ?? "", clock.GetUtcNow(), terms);
        audit.Record(db, actor, "evaluation.extension-requested", nameof(ExtensionRequest), request.Id, organizationId,
            $"Asked for {days} more evaluation days.");
        await db.SaveChangesAsync(cancellationToken);
        return request;
    }

    public Task<Evaluation> GrantAsync(Guid requestId, int days, string? note, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(requestId, actor, async (db, evaluation, request, product, organizationName) =>
        {
            request.Grant(evaluation, days, note, actor, clock.GetUtcNow(), product.Evaluation);
            audit.Record(db, actor, "evaluation.extension-granted", nameof(ExtensionRequest), request.Id, evaluation.OrganizationId,
                $"{days} more evaluation days granted; the evaluation now runs until {evaluation.ExpiresAt:yyyy-MM-dd}.");
            await SignAsync(db, evaluation, organizationName, product, cancellationToken);
            await EmailDecisionAsync(db, evaluation, request, $"Your {product.Name} evaluation is extended",
                [
                    $"Our support team granted {days} more {"day".ToQuantity(days, ShowQuantityAs.None)} for your evaluation of {product.Name} {evaluation.Major}.",
                    $"It now runs until {evaluation.ExpiresAt:d MMMM yyyy}. Download the new evaluation key from the Evaluation page of the portal and replace the old one.",
                    .. NoteParagraph(request.Note),
                ], cancellationToken);
        }, cancellationToken);

    public Task<Evaluation> DenyAsync(Guid requestId, string reason, Actor actor, CancellationToken cancellationToken = default) =>
        DecideAsync(requestId, actor, async (db, evaluation, request, product, _) =>
        {
            request.Deny(reason, actor, clock.GetUtcNow());
            audit.Record(db, actor, "evaluation.extension-denied", nameof(ExtensionRequest), request.Id, evaluation.OrganizationId,
                $"Extension request denied: {request.Note}");
            await EmailDecisionAsync(db, evaluation, request, $"Your {product.Name} evaluation extension request",
                [
                    $"We are sorry: your request for more time to evaluate {product.Name} {evaluation.Major} was not granted.",
                    $"The reason: {request.Note}",
                    $"Your evaluation runs until {evaluation.ExpiresAt:d MMMM yyyy}.",
                ], cancellationToken);
        }, cancellationToken);

    private async Task<Evaluation> DecideAsync(
        Guid requestId, Actor actor, Func<PortalDbContext, Evaluation, ExtensionRequest, Product, string, Task> decide,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var evaluation = await db.Evaluations.Include(e => e.Requests)
            .SingleOrDefaultAsync(e => e.Requests.Any(r => r.Id == requestId), cancellationToken)
            ?? throw new DomainException("That extension request does not exist.");
        var request = evaluation.Requests.Single(r => r.Id == requestId);
        var product = await db.Products.SingleAsync(p => p.Id == evaluation.ProductId, cancellationToken);
        var organizationName = await db.Organizations.Where(o => o.Id == evaluation.OrganizationId)
            .Select(o => o.Name).SingleAsync(cancellationToken);

        await decide(db, evaluation, request, product, organizationName);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else decided this request at the same moment. Reload to see their decision.");
        }
        return evaluation;
    }

    private async Task SignAsync(PortalDbContext db, Evaluation evaluation, string licensee, Product product, CancellationToken cancellationToken)
    {
        var supportEndsOn = await LicensingService.SupportEndsOnAsync(db, evaluation.OrganizationId, cancellationToken);
        evaluation.AttachKey(signer.Sign(new LicenseKeyClaims(
            evaluation.Id, product.Code, product.Name, licensee, evaluation.Major, evaluation.Seats, LicenseKind.Evaluation,
            clock.GetUtcNow(), supportEndsOn, evaluation.ExpiresAt)));
    }

    private static IEnumerable<string> NoteParagraph(string? note) =>
        string.IsNullOrWhiteSpace(note) ? [] : [$"A note from our support team: {note}"];

    private async Task EmailDecisionAsync(
        PortalDbContext db, Evaluation evaluation, ExtensionRequest request, string subject, string[] paragraphs, CancellationToken cancellationToken)
    {
        var to = await DecisionEmail.RecipientsAsync(db, evaluation.OrganizationId, request.RequestedByUserId, MemberRoles.Technical, cancellationToken);
        if (to.Count > 0)
            outbox.EnqueueInParts(db, DecisionEmail.Compose(to, subject, $"extension-decision:{request.Id:N}", paragraphs));
    }

    private static DomainException AlreadyEvaluated(Product product) =>
        new($"Your organization has already evaluated {product.Name} {product.CurrentMajor}. Ask for an extension instead.");
}
