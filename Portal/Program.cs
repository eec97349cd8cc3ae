using Portal.Components;
using Portal.Components.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Outbox;
using Portal.Endpoints;
using Portal.Keys;
using Portal.Payments;
using Portal.Quotes;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalData();
builder.AddPortalKeys();
builder.Services.AddPortalDomain();
builder.AddPortalPayments();
builder.AddPortalIdentity();
builder.AddPortalRateLimits();
builder.AddPortalOutbox();
builder.AddPortalQuotes();
builder.AddPortalUi();

var app = builder.Build();

await app.PreparePortalDatabaseAsync();
app.UsePortalPipeline();
app.MapPortalUi();
app.MapPortalEndpoints();
app.MapLicenseDownloads();
app.MapStaffDownloads();
app.MapEvaluationDownloads();
app.MapLicenseKeyEndpoints();
app.MapPayments();

app.Run();
