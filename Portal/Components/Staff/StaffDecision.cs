using MudBlazor;
using Portal.Domain;

namespace Portal.Components.Staff;

/// <summary>
/// How a desk decides a request: ask first (the decision is final and emails the customer), then decide, then say how
/// it went. A rule the domain refuses (including "someone else decided first") is shown, never thrown.
/// </summary>
public static class StaffDecision
{
    /// <summary>False when the staff member cancelled; true when the decision was attempted (made or refused).</summary>
    public static async Task<bool> ConfirmAndDecideAsync(
        IDialogService dialogs, ISnackbar snackbar, string title, string message, string yes, Func<Task> decide, string done)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions { Title = title, Message = message, YesText = yes, CancelText = "Cancel" });
        if (confirmed != true)
            return false;
        try
        {
            await decide();
            snackbar.Add(done, Severity.Success);
        }
        catch (DomainException refused)
        {
            snackbar.Add(refused.Message, Severity.Error);
        }
        return true;
    }
}
