using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A learned v9/IPFIX template, keyed exactly like <see cref="Decoding.Templates.TemplateKey"/>. Fields are
/// 8 bytes each, big-endian: element id (2), length (2), enterprise number (4). Times in Unix milliseconds.
/// </summary>
public sealed class DecodingTemplate
{
    public byte[] ExporterAddress { get; set; } = [];

    public int Version { get; set; }

    /// <summary>v9 source id / IPFIX observation domain (an unsigned 32-bit value).</summary>
    public long Domain { get; set; }

    public int TemplateId { get; set; }

    public byte[] Fields { get; set; } = [];

    public int ScopeFieldCount { get; set; }

    public bool IsOptions { get; set; }

    public bool ScopesAreV9Types { get; set; }

    public long LearnedAtMs { get; set; }

    public long RefreshedAtMs { get; set; }
}

internal sealed class DecodingTemplateConfiguration : IEntityTypeConfiguration<DecodingTemplate>
{
    public void Configure(EntityTypeBuilder<DecodingTemplate> builder)
    {
        builder.ToTable("DecodingTemplates");
        builder.HasKey(t => new { t.ExporterAddress, t.Version, t.Domain, t.TemplateId });
        builder.Property(t => t.ExporterAddress).HasMaxLength(16);
    }
}
