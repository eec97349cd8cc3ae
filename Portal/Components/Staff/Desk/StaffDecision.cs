using Portal.Domain.Accounts;

namespace Portal.Components.Staff.Desk;

/// <summary>
/// A decision on a request as <see cref="DeskDecision"/> makes it: the question asked first with what follows (the
/// decision is final and emails the customer), the button that confirms it, the decision itself, and what is said after.
/// </summary>
public sealed record StaffDecision(string Question, string Consequence, string Confirm, Func<Actor, Task> Make, string Done);
