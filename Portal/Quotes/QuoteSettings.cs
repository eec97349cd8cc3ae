namespace Portal.Quotes;

/// <summary>The <c>Quotes</c> configuration section: how often each instance marks quotes past their date expired.</summary>
public sealed class QuoteSettings
{
    public const string SectionName = "Quotes";

    /// <summary>
    /// Time between two expiry rounds. A quote past its valid-until date cannot be accepted whether it is marked yet or
    /// not; the round records it in the history and tells the customer, at most this much later.
    /// </summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(15);

    internal void Validate()
    {
        if (ExpiryInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{SectionName}:{nameof(ExpiryInterval)} must be a positive time span such as 00:15:00.");
    }
}
