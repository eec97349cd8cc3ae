namespace Portal.Components.Staff.Desk;

/// <summary>The page of a desk's queue to load: <paramref name="Number"/> counts from 1, as the domain's queries do.</summary>
public readonly record struct DeskPage(int Number, int Size);
