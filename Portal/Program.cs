using Portal.Components;
using Portal.Components.Account;
using Portal.Data;
using Portal.Email;
using Portal.Endpoints;

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalData();
builder.AddPortalIdentity();
builder.AddPortalEmail();
builder.AddPortalUi();

var app = builder.Build();

await app.PreparePortalDatabaseAsync();
app.UsePortalPipeline();
app.MapPortalUi();
app.MapPortalEndpoints();

app.Run();
