namespace Portal.Domain;

/// <summary>A licensing or business rule was broken; the message is written for the person who tried.</summary>
public sealed class DomainException(string message) : Exception(message);
