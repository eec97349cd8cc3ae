namespace Portal.Domain;

/// <summary>
/// A licensing or business rule was broken; the message is written for the person who tried. Open for the few refusals
/// an API answers with a status of their own (<see cref="Usage.UsageReportConflictException"/>).
/// </summary>
public class DomainException(string message) : Exception(message);
