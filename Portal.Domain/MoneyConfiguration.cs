using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain;

internal static class MoneyConfiguration
{
    /// <summary>
    /// Maps a <see cref="Money"/> to two columns of its entity's table. Every amount needs a currency column of its own:
    /// EF Core maps no two properties of one entity type to the same column (decision 0013).
    /// </summary>
    public static void Columns(this ComplexPropertyBuilder<Money> money, string minorColumn, string currencyColumn)
    {
        money.Property(m => m.Minor).HasColumnName(minorColumn);
        money.Property(m => m.Currency).HasColumnName(currencyColumn).HasMaxLength(3).IsFixedLength();
    }
}
