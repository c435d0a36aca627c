namespace FlowWeb.Core.Decoding.Templates;

/// <summary>
/// A v9 or IPFIX (options) template as learned from an exporter. Immutable once built: a re-sent template
/// with the same id replaces the object, so records decoded earlier keep the definition they were read with.
/// </summary>
public sealed class FlowTemplate
{
    /// <param name="id">Template id (256 and above).</param>
    /// <param name="fields">Field specifiers in record order, scope fields first.</param>
    /// <param name="scopeFieldCount">Leading scope fields of an options template.</param>
    /// <param name="isOptions">An options template.</param>
    /// <param name="scopesAreV9Types">NetFlow v9 options: scope field types are scope kinds (1 System, 2 Interface, 3 Line Card, 4 Cache, 5 Template), not element ids.</param>
    public FlowTemplate(ushort id, IReadOnlyList<TemplateField> fields, int scopeFieldCount = 0, bool isOptions = false, bool scopesAreV9Types = false)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Id = id;
        Fields = [.. fields];
        ScopeFieldCount = scopeFieldCount;
        IsOptions = isOptions;
        ScopesAreV9Types = scopesAreV9Types;

        var fixedLength = 0;
        var minLength = 0;
        var variable = false;
        foreach (var f in Fields)
        {
            if (f.IsVariableLength)
            {
                variable = true;
                minLength += 1;
            }
            else
            {
                fixedLength += f.Length;
                minLength += f.Length;
            }
        }

        FixedLength = variable ? -1 : fixedLength;
        MinRecordLength = minLength;
        Program = FieldProgram.Compile(Fields, scopesAreV9Types ? scopeFieldCount : 0);
    }

    public ushort Id { get; }

    public TemplateField[] Fields { get; }

    /// <summary>Number of leading fields that are scope fields (options templates only).</summary>
    public int ScopeFieldCount { get; }

    public bool IsOptions { get; }

    public bool ScopesAreV9Types { get; }

    /// <summary>The v9 scope kind names, by scope type (RFC 3954 §6.1).</summary>
    public static string V9ScopeName(ushort scopeType) => scopeType switch
    {
        1 => "scopeSystem",
        2 => "scopeInterface",
        3 => "scopeLineCard",
        4 => "scopeCache",
        5 => "scopeTemplate",
        _ => $"scope{scopeType}",
    };

    /// <summary>Record length in bytes, or -1 when the template has variable-length fields.</summary>
    public int FixedLength { get; }

    /// <summary>The smallest record this template can describe (variable-length fields count one byte).</summary>
    public int MinRecordLength { get; }

    internal FieldProgram Program { get; }

    /// <summary>True when both templates describe the same record layout.</summary>
    public bool SameLayoutAs(FlowTemplate other) =>
        other is not null && other.IsOptions == IsOptions && other.ScopeFieldCount == ScopeFieldCount &&
        other.ScopesAreV9Types == ScopesAreV9Types &&
        Fields.AsSpan().SequenceEqual(other.Fields);
}
