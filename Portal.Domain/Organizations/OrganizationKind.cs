namespace Portal.Domain.Organizations;

public enum OrganizationKind
{
    Commercial,
    Nonprofit,
    Educational,
    Governmental,
}
