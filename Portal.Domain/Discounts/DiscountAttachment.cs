namespace Portal.Domain.Discounts;

/// <summary>Evidence for a discount application: a PDF, PNG or JPEG of at most 5 MB, recognised by its content.</summary>
public sealed class DiscountAttachment
{
    public const int MaxBytes = 5 * 1024 * 1024;
    public const int MaxCount = 5;

    private DiscountAttachment(string fileName, string contentType, byte[] content)
    {
        Id = Guid.CreateVersion7();
        FileName = fileName;
        ContentType = contentType;
        Content = content;
        Size = content.Length;
    }

    public Guid Id { get; private set; }
    public Guid DiscountApplicationId { get; private set; }
    public string FileName { get; private set; }

    /// <summary>Derived from the content, never from what the browser claimed.</summary>
    public string ContentType { get; private set; }

    public int Size { get; private set; }
    public byte[] Content { get; private set; }

    public static DiscountAttachment FromUpload(string fileName, byte[] content)
    {
        var name = Path.GetFileName(fileName ?? "").Trim();
        if (name.Length == 0)
            name = "evidence";
        if (name.Length > 200)
            name = name[..200];
        if (content.Length == 0)
            throw new DomainException($"{name} is empty.");
        if (content.Length > MaxBytes)
            throw new DomainException($"{name} is larger than 5 MB.");
        var contentType = Sniff(content)
            ?? throw new DomainException($"{name} is not a PDF, PNG or JPEG file.");
        return new DiscountAttachment(name, contentType, content);
    }

    private static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? "application/pdf"
        : content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;
}
