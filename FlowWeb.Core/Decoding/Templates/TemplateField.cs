namespace FlowWeb.Core.Decoding.Templates;

/// <summary>One field specifier of a template: IANA element id (or enterprise id with its PEN) and length (65535 = variable).</summary>
public readonly record struct TemplateField(ushort ElementId, ushort Length, uint EnterpriseNumber = 0)
{
    public const ushort VariableLength = 0xFFFF;

    public bool IsVariableLength => Length == VariableLength;

    public bool IsEnterprise => EnterpriseNumber != 0;
}
