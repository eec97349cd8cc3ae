namespace Portal.Components.Staff.Desk;

/// <summary>One page of a desk's queue, and how many rows the whole queue holds (for the pager).</summary>
public sealed record DeskRows<TRow>(IReadOnlyList<TRow> Rows, int TotalCount);
