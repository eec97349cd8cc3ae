using Portal.Domain.Accounts;

namespace Portal.Domain.Discounts;

public enum DiscountKind
{
    Nonprofit,
    Educational,
    Governmental,

    /// <summary>For customers switching from a competing product; used up by one order.</summary>
    CrossGrade,
}

public enum DiscountStatus
{
    Pending,
    Approved,
    Denied,

    /// <summary>A cross-grade discount that an order has used.</summary>
    Consumed,
}

/// <summary>An organization's request for a discount with its evidence, decided once by sales (R7).</summary>
public sealed class DiscountApplication
{
    public const int MaxEvidenceLength = 4000;

    /// <summary>The longest decision note or denial reason the database keeps.</summary>
    public const int MaxNoteLength = 2000;

    private readonly List<DiscountAttachment> _attachments = [];

    private DiscountApplication(Guid id, Guid organizationId, DiscountKind kind, string evidence, string appliedByUserId, DateTimeOffset appliedAt)
    {
        Id = id;
        OrganizationId = organizationId;
        Kind = kind;
        Evidence = evidence;
        AppliedByUserId = appliedByUserId;
        AppliedAt = appliedAt;
        Status = DiscountStatus.Pending;
        Version = Guid.NewGuid();
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public DiscountKind Kind { get; private set; }
    public string Evidence { get; private set; }
    public string AppliedByUserId { get; private set; }
    public DateTimeOffset AppliedAt { get; private set; }
    public DiscountStatus Status { get; private set; }
    public int? Percent { get; private set; }
    public DateTimeOffset? ValidUntil { get; private set; }
    public string? Note { get; private set; }
    public string? DecidedByUserId { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public Guid? ConsumedByOrderId { get; private set; }
    public IReadOnlyList<DiscountAttachment> Attachments => _attachments;

    /// <summary>Concurrency token: two sales staff deciding at once cannot both succeed.</summary>
    public Guid Version { get; private set; }

    internal static DiscountApplication Submit(
        Guid organizationId, DiscountKind kind, string evidence, IReadOnlyList<DiscountAttachment> attachments,
        string appliedByUserId, DateTimeOffset now)
    {
        if (!Enum.IsDefined(kind))
            throw new DomainException("Choose which discount you are applying for.");
        if (string.IsNullOrWhiteSpace(evidence))
            throw new DomainException("Describe why your organization qualifies, for example your registration number.");
        if (evidence.Length > MaxEvidenceLength)
            throw new DomainException($"Keep the description under {MaxEvidenceLength} characters; attach documents for the rest.");
        if (attachments.Count > DiscountAttachment.MaxCount)
            throw new DomainException($"Attach at most {DiscountAttachment.MaxCount} files.");
        var application = new DiscountApplication(Guid.CreateVersion7(now), organizationId, kind, evidence.Trim(), appliedByUserId, now);
        application._attachments.AddRange(attachments);
        return application;
    }

    public bool IsUsableAt(DateTimeOffset now) => Status == DiscountStatus.Approved && ValidUntil > now;

    internal void Approve(int percent, DateTimeOffset validUntil, string? note, Actor actor, DateTimeOffset now)
    {
        actor.Require("approve discounts", Roles.Sales);
        EnsurePending();
        if (percent is < 1 or > 100)
            throw new DomainException("A discount is between 1 and 100 percent.");
        if (validUntil <= now)
            throw new DomainException("The approval must be valid until a date in the future.");
        if (validUntil > now.AddDays(DiscountDefaults.MaxValidityDays))
            throw new DomainException($"An approval is valid for at most {DiscountDefaults.MaxValidityDays} days.");
        CheckNote(note);
        Status = DiscountStatus.Approved;
        Percent = percent;
        ValidUntil = validUntil;
        Decide(note, actor, now);
    }

    internal void Deny(string reason, Actor actor, DateTimeOffset now)
    {
        actor.Require("deny discounts", Roles.Sales);
        EnsurePending();
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Give the customer a reason for the denial.");
        CheckNote(reason);
        Status = DiscountStatus.Denied;
        Decide(reason, actor, now);
    }

    /// <summary>A cross-grade discount serves one order (R7).</summary>
    internal void ConsumeBy(Guid orderId, DateTimeOffset now)
    {
        if (Kind != DiscountKind.CrossGrade)
            return;
        if (!IsUsableAt(now))
            throw new DomainException("This cross-grade discount is no longer available.");
        Status = DiscountStatus.Consumed;
        ConsumedByOrderId = orderId;
        Version = Guid.NewGuid();
    }

    private static void CheckNote(string? note)
    {
        if (note?.Trim().Length > MaxNoteLength)
            throw new DomainException($"Keep the note to the customer under {MaxNoteLength} characters.");
    }

    private void EnsurePending()
    {
        if (Status != DiscountStatus.Pending)
            throw new DomainException($"This application was already {Status.ToString().ToLowerInvariant()} by {DecidedByName}.");
    }

    private void Decide(string? note, Actor actor, DateTimeOffset now)
    {
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        DecidedByUserId = actor.UserId;
        DecidedByName = actor.Name;
        DecidedAt = now;
        Version = Guid.NewGuid();
    }
}
