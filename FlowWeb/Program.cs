using FlowWeb;
using FlowWeb.Extensions;

// Verbs handled without starting the web host go first.
if (HealthCheckCommand.IsCommand(args))
{
    return await HealthCheckCommand.RunAsync(args);
}

// The content root is the app's own folder, so wwwroot and appsettings.json are found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddFlowWebLogging();
builder.AddFlowWebServices();
builder.AddFlowWebUi();

var app = builder.Build();

app.MapFlowWeb();

await app.RunAsync();
return 0;
