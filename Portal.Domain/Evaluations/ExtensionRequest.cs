using Portal.Domain.Accounts;
using Portal.Domain.Catalog;

namespace Portal.Domain.Evaluations;

public enum ExtensionStatus
{
    Pending,
    Granted,
    Denied,
}

/// <summary>A customer's request for more evaluation days; decided once by support (R9).</summary>
public sealed class ExtensionRequest
{
    /// <summary>The longest reason or decision note the database keeps.</summary>
    public const int MaxTextLength = 2000;

    internal ExtensionRequest(Guid evaluationId, int daysRequested, string reason, string requestedByUserId, DateTimeOffset requestedAt)
    {
        Id = Guid.CreateVersion7(requestedAt);
        EvaluationId = evaluationId;
        DaysRequested = daysRequested;
        Reason = reason;
        RequestedByUserId = requestedByUserId;
        RequestedAt = requestedAt;
        Status = ExtensionStatus.Pending;
        Version = Guid.NewGuid();
    }

    public Guid Id { get; private set; }
    public Guid EvaluationId { get; private set; }
    public int DaysRequested { get; private set; }
    public string Reason { get; private set; }
    public string RequestedByUserId { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public ExtensionStatus Status { get; private set; }
    public int? DaysGranted { get; private set; }
    public string? Note { get; private set; }
    public string? DecidedByUserId { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>Concurrency token: two staff deciding at once cannot both succeed.</summary>
    public Guid Version { get; private set; }

    internal void Grant(Evaluation evaluation, int days, string? note, Actor actor, DateTimeOffset now, EvaluationTerms terms)
    {
        actor.Require("grant evaluation extensions", Roles.Support);
        EnsurePending();
        if (days < 1)
            throw new DomainException("Grant at least one day, or deny the request.");
        if (days > EvaluationTerms.MaxDays)
            throw new DomainException($"Grant at most {EvaluationTerms.MaxDays} days at a time.");
        CheckText(note, "the note");
        if (days > terms.MaxExtensionDays && !actor.IsAdmin)
            throw new DomainException($"Support can grant at most {terms.MaxExtensionDays} days at a time. Only an admin can grant more.");
        evaluation.Extend(days, now, terms, overrideCaps: actor.IsAdmin);
        Decide(ExtensionStatus.Granted, note, actor, now);
        DaysGranted = days;
    }

    internal void Deny(string reason, Actor actor, DateTimeOffset now)
    {
        actor.Require("deny evaluation extensions", Roles.Support);
        EnsurePending();
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Give the customer a reason for the denial.");
        CheckText(reason, "the reason");
        Decide(ExtensionStatus.Denied, reason, actor, now);
    }

    /// <summary>Refuses a reason or note longer than the database keeps.</summary>
    internal static void CheckText(string? text, string what)
    {
        if (text?.Trim().Length > MaxTextLength)
            throw new DomainException($"Keep {what} under {MaxTextLength} characters.");
    }

    private void EnsurePending()
    {
        if (Status != ExtensionStatus.Pending)
            throw new DomainException($"This request was already {Status.ToString().ToLowerInvariant()} by {DecidedByName}.");
    }

    private void Decide(ExtensionStatus status, string? note, Actor actor, DateTimeOffset now)
    {
        Status = status;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        DecidedByUserId = actor.UserId;
        DecidedByName = actor.Name;
        DecidedAt = now;
        Version = Guid.NewGuid();
    }
}
