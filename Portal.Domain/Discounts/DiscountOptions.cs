namespace Portal.Domain.Discounts;

/// <summary>The <c>Discounts</c> configuration section: default percentages that sales starts from (R7).</summary>
public sealed class DiscountOptions
{
    public const string SectionName = "Discounts";

    public int NonprofitPercent { get; set; } = 40;
    public int EducationalPercent { get; set; } = 40;
    public int GovernmentalPercent { get; set; } = 20;
    public int CrossGradePercent { get; set; } = 25;

    /// <summary>How long an approval is valid by default.</summary>
    public int DefaultValidityDays { get; set; } = 365;

    public int DefaultPercent(DiscountKind kind) => kind switch
    {
        DiscountKind.Nonprofit => NonprofitPercent,
        DiscountKind.Educational => EducationalPercent,
        DiscountKind.Governmental => GovernmentalPercent,
        DiscountKind.CrossGrade => CrossGradePercent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
