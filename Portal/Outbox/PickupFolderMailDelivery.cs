using MimeKit;

namespace Portal.Outbox;

/// <summary>Development without SMTP: each message becomes an .eml file that any mail client opens.</summary>
public sealed class PickupFolderMailDelivery(string folder, TimeProvider clock) : IMailDelivery
{
    public string Folder => folder;

    public async Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        var name = $"{clock.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml";
        await message.WriteToAsync(Path.Combine(folder, name), cancellationToken);
    }
}
