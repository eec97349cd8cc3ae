using Portal.Domain.Catalog;

namespace Portal.Domain.Evaluations;

/// <summary>R9: a free, time-limited license, one per organization, product and major version.</summary>
public sealed class Evaluation
{
    private readonly List<ExtensionRequest> _requests = [];

    private Evaluation(Guid id, Guid organizationId, Guid productId, int major, int seats, DateTimeOffset startedAt, DateTimeOffset expiresAt)
    {
        Id = id;
        OrganizationId = organizationId;
        ProductId = productId;
        Major = major;
        Seats = seats;
        StartedAt = startedAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ProductId { get; private set; }
    public int Major { get; private set; }

    /// <summary>Seats its key allows, fixed when it starts: a later change of the product's terms does not alter it.</summary>
    public int Seats { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>The evaluation key, re-signed whenever the expiry changes.</summary>
    public string Key { get; private set; } = "";

    public IReadOnlyList<ExtensionRequest> Requests => _requests;

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    public int DaysLeftAt(DateTimeOffset now) => DaysLeft(ExpiresAt, now);

    /// <summary>Whole days until <paramref name="expiresAt"/>, a part day counting as one; 0 once it has passed.</summary>
    public static int DaysLeft(DateTimeOffset expiresAt, DateTimeOffset now) => Math.Max(0, (int)Math.Ceiling((expiresAt - now).TotalDays));

    internal static Evaluation Start(Guid organizationId, Product product, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), organizationId, product.Id, product.CurrentMajor, product.Evaluation.Seats,
            now, now.AddDays(product.Evaluation.EvaluationDays));

    internal ExtensionRequest RequestExtension(int days, string reason, string userId, DateTimeOffset now, EvaluationTerms terms)
    {
        if (_requests.Any(r => r.Status == ExtensionStatus.Pending))
            throw new DomainException("You already have an extension request waiting for a decision.");
        if (days < 1 || days > terms.MaxExtensionDays)
            throw new DomainException($"Ask for between 1 and {terms.MaxExtensionDays} days.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Tell us why you need more time; it helps support decide.");
        ExtensionRequest.CheckText(reason, "the reason");
        var request = new ExtensionRequest(Id, days, reason.Trim(), userId, now);
        _requests.Add(request);
        return request;
    }

    /// <summary>Extends from the current expiry, or from now when the evaluation has already run out.</summary>
    internal void Extend(int days, DateTimeOffset now, EvaluationTerms terms, bool overrideCaps)
    {
        var newExpiry = (ExpiresAt > now ? ExpiresAt : now).AddDays(days);
        var totalDays = (newExpiry - StartedAt).TotalDays;
        if (!overrideCaps && totalDays > terms.MaxEvaluationDays)
            throw new DomainException(
                $"That would make the evaluation {Math.Ceiling(totalDays)} days long; the limit is {terms.MaxEvaluationDays} days. Only an admin can grant more.");
        ExpiresAt = newExpiry;
    }

    /// <summary>
    /// The most days support (not an admin) may grant now: one extension's cap, and no more than keeps the whole
    /// evaluation within its cap. Zero when the evaluation is already as long as support may make it.
    /// </summary>
    public int MostDaysSupportMayGrantAt(DateTimeOffset now, EvaluationTerms terms)
    {
        var from = ExpiresAt > now ? ExpiresAt : now;
        var daysLeftUnderCap = (int)Math.Floor(terms.MaxEvaluationDays - (from - StartedAt).TotalDays);
        return Math.Clamp(daysLeftUnderCap, 0, terms.MaxExtensionDays);
    }

    internal void AttachKey(string key) => Key = key;
}
