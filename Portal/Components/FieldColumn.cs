using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Components;

/// <summary>
/// A MudDataGrid column showing one field of the row, like MudBlazor's <c>PropertyColumn</c>, but given the field as a
/// delegate and its sort name instead of an expression: <c>PropertyColumn</c> compiles its expression for every new
/// grid, which was a tenth of the license list's CPU per request (docs/performance.md). Every grid here uses it. Read
/// only: no grid edits in place.
/// </summary>
public sealed class FieldColumn<T, TProperty> : Column<T>
{
    /// <summary>The name the grid's server-side sort reports for this column (by convention the field's name).</summary>
    [Parameter, EditorRequired]
    public string SortName { get; set; } = "";

    [Parameter, EditorRequired]
    public Func<T, TProperty> Field { get; set; } = default!;

    public override string PropertyName => SortName;

    protected override Type PropertyType => typeof(TProperty);

    protected override object? CellContent(T item) => Field(item);

    protected override object? PropertyFunc(T item) => Field(item);

    protected override void SetProperty(object? item, object? value) =>
        throw new NotSupportedException($"The {SortName} column is read only.");
}
