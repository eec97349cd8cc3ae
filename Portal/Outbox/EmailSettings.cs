namespace Portal.Outbox;

/// <summary>The <c>Smtp</c> configuration section. With no <see cref="Host"/>, Development writes .eml files instead.</summary>
public sealed class SmtpSettings
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary><c>Auto</c> (STARTTLS when offered), <c>StartTls</c>, <c>SslOnConnect</c> or <c>None</c>.</summary>
    public string Security { get; set; } = "Auto";

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string FromAddress { get; set; } = "portal@keymetric.example";
    public string FromName { get; set; } = "Key Metric Software";
}
