using FlowWeb.Accounts;
using FlowWeb.Api;
using FlowWeb.Components;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Alerts;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Demo;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Mitigation;
using FlowWeb.Core.Storage;
using FlowWeb.Security;
using Microsoft.AspNetCore.Components.Server.Circuits;
using MudBlazor.Services;
using Serilog;

namespace FlowWeb.Extensions;

internal static class Extensions
{
    /// <summary>Serilog as the only logging provider, configured from the <c>Serilog</c> section.</summary>
    public static void AddFlowWebLogging(this WebApplicationBuilder builder)
    {
        // preserveStaticLogger: several hosts may share a process (tests); none should replace Log.Logger.
        builder.Services.AddSerilog(
            (services, logger) => logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services),
            preserveStaticLogger: true);
    }

    /// <summary>The data directory, the flow collector and its live state, alerts and notifications, demo mode when asked for, and the HTTP API.</summary>
    public static void AddFlowWebServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddFlowStorage(builder.Configuration);
        builder.Services.AddFlowCollector(builder.Configuration);
        builder.Services.AddFlowLive();
        builder.Services.AddInterfaceNames();
        builder.Services.AddAttackDetection(builder.Configuration);
        builder.Services.AddMitigation();
        builder.Services.AddReverseDns(builder.Configuration);
        builder.Services.AddEnrichment(builder.Configuration);
        builder.Services.AddFlowAlerts(builder.Configuration);
        builder.Services.AddFlowDemo(builder.Configuration);
        builder.Services.AddSingleton<ExporterQueryService>();
        builder.Services.AddFlowWebApi();
        builder.Services.AddFlowWebHardening();
        builder.AddFlowWebAccounts();
    }

    public static void AddFlowWebUi(this WebApplicationBuilder builder)
    {
        // Live pages re-render every second or two: a browser that falls behind should get the current state next,
        // not work through a queue of stale frames (Blazor's default buffers 10 unacknowledged batches per circuit,
        // which .ci/bench-ui showed as pages a minute behind the collector with 20 pages in one slow browser).
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(o => o.MaxBufferedUnacknowledgedRenderBatches = 2);
        builder.Services.AddScoped<CircuitConnection>();
        builder.Services.AddScoped<CircuitHandler>(services => services.GetRequiredService<CircuitConnection>());
        builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
    }

    /// <summary>
    /// The request pipeline. No HTTPS redirection or HSTS: FlowWeb is a LAN appliance served over plain http
    /// (put a reverse proxy in front for TLS).
    /// </summary>
    public static void MapFlowWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseFlowWebHardening();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseFlowWebApiErrors();
        app.UseFlowWebAccounts();
        app.UseAntiforgery();

        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        var metrics = app.MapGet("/metrics", async (PrometheusMetrics metrics, CancellationToken cancellationToken) =>
            Results.Text(await metrics.RenderAsync(cancellationToken), PrometheusMetrics.ContentType)).ExcludeFromDescription();
        metrics.RequireAuthorization(AccountRoles.MetricsPolicy);

        app.MapFlowWebApi();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}
