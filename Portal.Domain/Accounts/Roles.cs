namespace Portal.Domain.Accounts;

public static class Roles
{
    public const string Customer = "Customer";
    public const string Sales = "Sales";
    public const string Support = "Support";
    public const string Admin = "Admin";

    public static readonly IReadOnlyList<string> All = [Customer, Sales, Support, Admin];
    public static readonly IReadOnlyList<string> Staff = [Sales, Support, Admin];
}
