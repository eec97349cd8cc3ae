using Portal.Domain.Organizations;

namespace Portal.Components.Customers;

/// <summary>Addresses and wording shared by the staff customer pages.</summary>
public static class CustomerPaths
{
    public const string Directory = "/staff/customers";

    public static string Detail(Guid organizationId) => $"{Directory}/{organizationId}";

    /// <summary>The country's English name, or its code when the platform does not know it.</summary>
    public static string Country(string code) => Countries.Find(code)?.Name ?? code;
}
