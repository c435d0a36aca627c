using FlowWeb.Cli;
using FlowWeb.Demo;
using FlowWeb.Extensions;

// Verbs (decode, bench, healthcheck) run without starting the web host.
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

// The content root is the app's own folder, so wwwroot and appsettings.json are found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = DemoSwitch.Expand(args),
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddFlowWebLogging();
builder.AddFlowWebServices();
builder.AddFlowWebUi();

var app = builder.Build();

app.MapFlowWeb();

await app.RunAsync();
return 0;
