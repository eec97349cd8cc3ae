using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Components;
using Portal.Components.Account;
using Portal.Components.Staff;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Security;

namespace Portal.Endpoints;

/// <summary>
/// The evidence a customer attached to a discount application, for sales staff only. It is always downloaded, never
/// shown inline: served as a generic binary with Content-Disposition: attachment, no sniffing and a sandboxing CSP
/// (<see cref="WebSecurity.SandboxedDownloadPolicy"/>), so a crafted file cannot run in the portal's origin. Each download
/// is recorded in the staff audit log.
/// </summary>
public static class StaffDownloads
{
    public const string AttachmentDownloadedAction = "discount.attachment-downloaded";

    public static WebApplication MapStaffDownloads(this WebApplication app)
    {
        app.MapGet(StaffPaths.Discounts + "/{applicationId:guid}/attachments/{attachmentId:guid}", DownloadAttachmentAsync)
            .RequireAuthorization(Policies.Sales)
            .WithSecurityHeadersPolicy(WebSecurity.SandboxedDownloadPolicy)
            .WithName("DownloadDiscountAttachment");
        return app;
    }

    private static async Task<IResult> DownloadAttachmentAsync(
        Guid applicationId, Guid attachmentId, ClaimsPrincipal user, HttpContext context, IDbContextFactory<PortalDbContext> dbFactory,
        AuditLog audit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var attachment = await DiscountDesk.AttachmentAsync(db, applicationId, attachmentId, cancellationToken);
        if (attachment is null)
            return TypedResults.NotFound();
        var organizationId = await db.DiscountApplications.Where(a => a.Id == applicationId).Select(a => a.OrganizationId).SingleAsync(cancellationToken);

        var actor = CurrentActor.From(user);
        audit.Record(db, actor, AttachmentDownloadedAction, nameof(DiscountApplication), applicationId, organizationId,
            $"Evidence \"{attachment.FileName}\" downloaded by {actor.Name}.", visibleToCustomer: false);
        await db.SaveChangesAsync(cancellationToken);

        return Downloads.Attachment(context, attachment.Content, "application/octet-stream", attachment.FileName);
    }
}
