using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;

namespace Portal.Domain.Licensing;

/// <summary>The seats an organization holds for one product's major version (R2): what its installations may use.</summary>
public sealed record SeatHolding(string ProductName, int Major, bool IsCurrentMajor, int Seats, int Licenses);

public sealed record EvaluationSummary(string ProductName, int Major, DateTimeOffset ExpiresAt, int DaysLeft, bool ExtensionPending);

/// <summary>What a customer sees first: seats per major, support, evaluations and open requests.</summary>
public sealed record CustomerOverview(
    IReadOnlyList<SeatHolding> Seats,
    DateOnly? SupportEndsOn,
    IReadOnlyList<EvaluationSummary> Evaluations,
    int PendingDiscountApplications)
{
    public static async Task<CustomerOverview> LoadAsync(PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var seats = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == organizationId && l.Status == LicenseStatus.Active)
            .GroupBy(l => new { l.ProductId, l.Major })
            .Select(g => new { g.Key.ProductId, g.Key.Major, Seats = g.Sum(l => l.Seats), Licenses = g.Count() })
            .ToListAsync(cancellationToken);
        var products = await db.Products.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.CurrentMajor })
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var evaluations = await db.Evaluations.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .Select(e => new { e.ProductId, e.Major, e.ExpiresAt, Pending = e.Requests.Any(r => r.Status == ExtensionStatus.Pending) })
            .ToListAsync(cancellationToken);

        return new CustomerOverview(
            seats.Select(s => new SeatHolding(products[s.ProductId].Name, s.Major, s.Major == products[s.ProductId].CurrentMajor, s.Seats, s.Licenses))
                .OrderBy(s => s.ProductName).ThenByDescending(s => s.Major).ToList(),
            await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken),
            evaluations.Select(e => new EvaluationSummary(products[e.ProductId].Name, e.Major, e.ExpiresAt,
                    Evaluation.DaysLeft(e.ExpiresAt, now), e.Pending))
                .OrderByDescending(e => e.ExpiresAt).ToList(),
            await db.DiscountApplications.CountAsync(a => a.OrganizationId == organizationId && a.Status == DiscountStatus.Pending, cancellationToken));
    }
}
