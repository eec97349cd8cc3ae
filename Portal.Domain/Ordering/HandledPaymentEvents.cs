using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using System.Runtime.CompilerServices;
using Portal.Domain.Data;

namespace Portal.Domain.Ordering;

/// <summary>
/// The record of which payment provider events have been handled: the one place an event id is written. A change an
/// event reports is saved together with its id (<see cref="RecordWith"/>), so a crash can never leave a change without
/// its record or a record without its change; an event that changes nothing is recorded alone (<see cref="RecordAloneAsync"/>).
/// </summary>
internal static class HandledPaymentEvents
{
    // Compiled (CompiledQuery): every webhook delivery asks it first.
    private static readonly CompiledQuery<Func<PortalDbContext, string, CancellationToken, Task<bool>>> IsRecorded = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string eventId, CancellationToken _) => db.ProcessedPaymentEvents.Any(e => e.Id == eventId)));

    public static Task<bool> IsRecordedAsync(PortalDbContext db, string eventId, CancellationToken cancellationToken) =>
        IsRecorded.For(db)(db, eventId, cancellationToken);

    /// <summary>Adds the event to the context's next save, which holds the change it reported.</summary>
    public static void RecordWith(PortalDbContext db, PaymentEvent? reportedBy, DateTimeOffset at)
    {
        if (reportedBy is not null)
            db.ProcessedPaymentEvents.Add(new ProcessedPaymentEvent(reportedBy.Id, reportedBy.Type, at));
    }

    /// <summary>
    /// Records an event that changed nothing; false when it was recorded before. Two deliveries of one event may get
    /// here at once: the insert skips an id that exists instead of failing on the key, so that expected race raises no
    /// database error (EF Core logs every failed save as an error).
    /// </summary>
    public static async Task<bool> RecordAloneAsync(PortalDbContext db, PaymentEvent reportedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var insert = InsertIfAbsent.For(db);
        var receivedAt = insert.ReceivedAtConverter?.ConvertToProvider(at) ?? at;
        return await db.Database.ExecuteSqlRawAsync(insert.Sql, [reportedBy.Id, reportedBy.Type, receivedAt], cancellationToken) == 1;
    }

    /// <summary>The provider's insert-unless-present statement for the table as the model maps it, built once per model.</summary>
    private sealed record InsertIfAbsent(string Sql, ValueConverter? ReceivedAtConverter)
    {
        private static readonly ConditionalWeakTable<IModel, InsertIfAbsent> Built = new();

        public static InsertIfAbsent For(PortalDbContext db) => Built.GetValue(db.Model, _ => Build(db));

        private static InsertIfAbsent Build(PortalDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(ProcessedPaymentEvent))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
            var (name, id, type, receivedAt) = (sql.DelimitIdentifier(table.Name, table.Schema),
                Column(nameof(ProcessedPaymentEvent.Id)), Column(nameof(ProcessedPaymentEvent.Type)), Column(nameof(ProcessedPaymentEvent.ReceivedAt)));
            var statement = db.Database.IsSqlite()
                ? $"INSERT INTO {name} ({id}, {type}, {receivedAt}) VALUES ({{0}}, {{1}}, {{2}}) ON CONFLICT DO NOTHING"
                // UPDLOCK and HOLDLOCK keep the absent key locked from the check to the insert, so a second delivery waits.
                : $"INSERT INTO {name} ({id}, {type}, {receivedAt}) SELECT {{0}}, {{1}}, {{2}} " +
                  $"WHERE NOT EXISTS (SELECT 1 FROM {name} WITH (UPDLOCK, HOLDLOCK) WHERE {id} = {{0}})";
            var converter = entity.FindProperty(nameof(ProcessedPaymentEvent.ReceivedAt))!.GetTypeMapping().Converter;
            return new InsertIfAbsent(statement, converter);
        }
    }
}
