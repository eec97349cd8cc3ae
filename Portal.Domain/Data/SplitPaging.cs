using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Data;

/// <summary>
/// One list made of two differently ordered parts (waiting requests oldest first, then decided ones newest first),
/// paged in the database: a page may start in the first part and run on into the second.
/// </summary>
public static class SplitPaging
{
    public static async Task<List<T>> PageAsync<T>(
        IQueryable<T> first, int firstCount, IQueryable<T>? second, int page, int pageSize, CancellationToken cancellationToken)
    {
        var skip = (Math.Max(page, 1) - 1) * pageSize;
        var rows = new List<T>();
        if (skip < firstCount)
            rows.AddRange(await first.Skip(skip).Take(pageSize).ToListAsync(cancellationToken));
        if (rows.Count < pageSize && second is not null)
            rows.AddRange(await second.Skip(Math.Max(0, skip - firstCount)).Take(pageSize - rows.Count).ToListAsync(cancellationToken));
        return rows;
    }
}
