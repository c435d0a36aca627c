using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project FlowWeb.Core</c> build the model without starting the app. The
/// connection string only matters for commands that touch a database (<c>database update</c>).
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<FlowWebDbContext>
{
    public FlowWebDbContext CreateDbContext(string[] args)
    {
        var options = new StorageOptions();
        var builder = new DbContextOptionsBuilder<FlowWebDbContext>();
        FlowWebDbContext.Configure(builder, options.ResolveConnectionString(), options.BusyTimeout);
        return new FlowWebDbContext(builder.Options);
    }
}
