namespace Portal.Components.Staff.Desk;

/// <summary>What a filter in a <see cref="DeskQueue{TRow}"/> tells the queue (which it finds as a cascading value).</summary>
public interface IDeskQueue
{
    /// <summary>A filter changed: the queue loads again from its first page.</summary>
    Task FilterChangedAsync();
}
