using FlowWeb.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A notification channel. The settings of its type are a JSON document (never queried by field); the secret is the
/// Data Protection ciphertext, never the plain text.
/// </summary>
public sealed class NotificationChannelRow
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public NotificationChannelType Type { get; set; }

    public bool Enabled { get; set; }

    public string SettingsJson { get; set; } = "{}";

    public string? ProtectedSecret { get; set; }
}

/// <summary>A notification rule; its selections (kinds, states, sensors, tags, channels) and timings as one JSON document.</summary>
public sealed class NotificationRuleRow
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public bool Enabled { get; set; }

    public string SettingsJson { get; set; } = "{}";
}

/// <summary>The outcome of one delivery (after its retries), for the channel list and for counting failures.</summary>
public sealed class NotificationDeliveryRow
{
    public long Id { get; set; }

    public Guid DeliveryId { get; set; }

    public long AtMs { get; set; }

    public Guid ChannelId { get; set; }

    public string ChannelName { get; set; } = "";

    public string RuleName { get; set; } = "";

    public NotificationType Type { get; set; }

    public string Title { get; set; } = "";

    public DeliveryOutcome Outcome { get; set; }

    public int Attempts { get; set; }

    public string Error { get; set; } = "";
}

internal sealed class NotificationChannelRowConfiguration : IEntityTypeConfiguration<NotificationChannelRow>
{
    public void Configure(EntityTypeBuilder<NotificationChannelRow> builder)
    {
        builder.ToTable("NotificationChannels");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Name).HasMaxLength(NotificationChannelDefinition.MaxNameLength);
    }
}

internal sealed class NotificationRuleRowConfiguration : IEntityTypeConfiguration<NotificationRuleRow>
{
    public void Configure(EntityTypeBuilder<NotificationRuleRow> builder)
    {
        builder.ToTable("NotificationRules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(NotificationRuleDefinition.MaxNameLength);
    }
}

internal sealed class NotificationDeliveryRowConfiguration : IEntityTypeConfiguration<NotificationDeliveryRow>
{
    public void Configure(EntityTypeBuilder<NotificationDeliveryRow> builder)
    {
        builder.ToTable("NotificationDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.ChannelName).HasMaxLength(NotificationChannelDefinition.MaxNameLength);
        builder.Property(d => d.RuleName).HasMaxLength(NotificationRuleDefinition.MaxNameLength);
        builder.Property(d => d.Title).HasMaxLength(300);
        builder.Property(d => d.Error).HasMaxLength(1000);
        builder.HasIndex(d => new { d.ChannelId, d.Id });
    }
}
