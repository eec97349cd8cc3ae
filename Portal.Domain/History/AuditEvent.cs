namespace Portal.Domain.History;

/// <summary>
/// One state change: who, when, what, on which entity. Append-only — <see cref="Data.PortalDbContext"/> refuses to update
/// or delete one. Events with an organization and <see cref="VisibleToCustomer"/> form that organization's license history.
/// </summary>
public sealed class AuditEvent
{
    private AuditEvent(
        DateTimeOffset occurredAt, string? actorUserId, string actorName, string action, string entityType,
        string entityId, Guid? organizationId, bool visibleToCustomer, string summary, string? details)
    {
        OccurredAt = occurredAt;
        ActorUserId = actorUserId;
        ActorName = actorName;
        Action = action;
        EntityType = entityType;
        EntityId = entityId;
        OrganizationId = organizationId;
        VisibleToCustomer = visibleToCustomer;
        Summary = summary;
        Details = details;
    }

    /// <summary>Assigned by the database in insertion order, so history within one instant keeps its order.</summary>
    public long Id { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string? ActorUserId { get; private set; }
    public string ActorName { get; private set; }

    /// <summary>A stable machine name such as <c>license.issued</c>.</summary>
    public string Action { get; private set; }

    public string EntityType { get; private set; }
    public string EntityId { get; private set; }
    public Guid? OrganizationId { get; private set; }
    public bool VisibleToCustomer { get; private set; }

    /// <summary>One sentence a customer or staff member can read.</summary>
    public string Summary { get; private set; }

    public string? Details { get; private set; }

    internal static AuditEvent Create(
        DateTimeOffset occurredAt, Accounts.Actor actor, string action, string entityType, string entityId,
        Guid? organizationId, bool visibleToCustomer, string summary, string? details) =>
        new(occurredAt, actor.UserId, actor.Name, action, entityType, entityId,
            organizationId, visibleToCustomer, summary, details);
}
