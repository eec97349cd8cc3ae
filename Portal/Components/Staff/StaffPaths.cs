namespace Portal.Components.Staff;

/// <summary>The staff area's addresses, in one place for pages, links and tests.</summary>
public static class StaffPaths
{
    public const string Discounts = "/staff/discounts";
    public const string Extensions = "/staff/extensions";
    public const string Orders = "/staff/orders";

    public static string DiscountCase(Guid applicationId) => $"{Discounts}/{applicationId}";

    public static string DiscountAttachment(Guid applicationId, Guid attachmentId) => $"{Discounts}/{applicationId}/attachments/{attachmentId}";

    public static string ExtensionCase(Guid requestId) => $"{Extensions}/{requestId}";
}
