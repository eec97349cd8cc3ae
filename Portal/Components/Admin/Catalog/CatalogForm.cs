using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;

namespace Portal.Components.Admin.Catalog;

/// <summary>
/// What every form of the catalog page shares: the admin making the change, the catalog service, one change at a time,
/// a snackbar saying what happened, and the page reloading after a change.
/// </summary>
public abstract class CatalogForm : ComponentBase
{
    [Inject]
    protected CatalogService Catalog { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired]
    public Actor Actor { get; set; } = Actor.System;

    /// <summary>Called after a change was saved, so that the page shows the catalog as it is now.</summary>
    [Parameter]
    public EventCallback OnChanged { get; set; }

    protected bool Saving { get; private set; }

    /// <summary>Saves one change. A refusal is shown as it is and leaves the form as the admin filled it in.</summary>
    protected async Task SaveAsync(Func<Task> change, string done)
    {
        if (Saving)
            return;
        Saving = true;
        try
        {
            await change();
        }
        catch (DomainException refused)
        {
            Snackbar.Add(refused.Message, Severity.Error);
            return;
        }
        finally
        {
            Saving = false;
        }
        Snackbar.Add(done, Severity.Success);
        await OnChanged.InvokeAsync();
    }
}
