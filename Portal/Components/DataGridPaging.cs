using MudBlazor;

namespace Portal.Components;

public static class DataGridPaging
{
    /// <summary>After a filter changes: back to the first page, which reloads the server data (or reload if already there).</summary>
    public static async Task ReloadFromFirstPageAsync<T>(this MudDataGrid<T>? grid)
    {
        if (grid is null)
            return;
        if (grid.CurrentPage != 0)
            grid.NavigateTo(Page.First);
        else
            await grid.ReloadServerData();
    }
}
