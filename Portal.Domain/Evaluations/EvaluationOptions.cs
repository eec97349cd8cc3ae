namespace Portal.Domain.Evaluations;

/// <summary>The <c>Evaluations</c> configuration section (R9).</summary>
public sealed class EvaluationOptions
{
    public const string SectionName = "Evaluations";

    public int EvaluationDays { get; set; } = 30;

    /// <summary>Seats an evaluation key allows, enough for a realistic trial installation.</summary>
    public int Seats { get; set; } = 250;

    /// <summary>The most days support may grant in one extension; an admin may grant more.</summary>
    public int MaxExtensionDays { get; set; } = 30;

    /// <summary>The longest an evaluation may run from its start, extensions included; an admin may exceed it.</summary>
    public int MaxEvaluationDays { get; set; } = 90;
}
