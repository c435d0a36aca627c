using FlowWeb.Core.Storage.Entities;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace FlowWeb.Core.Storage;

/// <summary>
/// SQLite's migration SQL plus <c>WITHOUT ROWID</c> for <see cref="FlowWebDbContext.WithoutRowIdTables"/>, which EF
/// Core cannot express. For the history tables this stores rows in primary-key order with no second copy of the
/// key in an index: about a third smaller, and a sensor's time range is one contiguous read.
/// </summary>
internal sealed class FlowWebMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, IRelationalAnnotationProvider annotations)
    : SqliteMigrationsSqlGenerator(dependencies, annotations)
{
    // SQLite table rebuilds create the new table under this prefix, then rename it.
    private const string RebuildPrefix = "ef_temp_";

    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(builder);
        var name = operation.Name.StartsWith(RebuildPrefix, StringComparison.Ordinal) ? operation.Name[RebuildPrefix.Length..] : operation.Name;
        if (!FlowWebDbContext.WithoutRowIdTables.Contains(name))
        {
            base.Generate(operation, model, builder, terminate);
            return;
        }

        base.Generate(operation, model, builder, terminate: false);
        builder.Append(" WITHOUT ROWID");
        if (terminate)
        {
            builder.AppendLine(Dependencies.SqlGenerationHelper.StatementTerminator);
            EndStatement(builder);
        }
    }
}
