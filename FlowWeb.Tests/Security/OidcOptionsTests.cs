using FlowWeb.Accounts;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.Options;

namespace FlowWeb.Tests.Security;

/// <summary>Auth:Oidc: a bad section stops start-up with messages that name each key; the role mapping picks the most powerful role.</summary>
public sealed class OidcOptionsTests
{
    [Fact]
    public void Validator_NamesEveryBadKey()
    {
        var options = new AuthOptions { Oidc = new OidcOptions { Authority = "http://idp.example/realms/x", RoleMap = { ["net-ops"] = "Boss" }, DefaultRole = "Root" } };

        var result = new AuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Auth:Oidc:Authority must use https", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Oidc:ClientId is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Oidc:RoleMap:net-ops must be one of", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Auth:Oidc:DefaultRole must be one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_EmptyAuthority_IsOff()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions { Oidc = new OidcOptions { ClientId = "", RoleMap = { ["x"] = "Boss" } } });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void RoleFor_MostPowerfulMapped_ElseDefault_ElseNone()
    {
        var oidc = new OidcOptions { RoleMap = { ["staff"] = "Viewer", ["net-ops"] = "operator" } };

        Assert.Equal(AccountRoles.Operator, oidc.RoleFor(["staff", "net-ops", "other"]));
        Assert.Null(oidc.RoleFor(["guests"]));
        oidc.DefaultRole = "Viewer";
        Assert.Equal(AccountRoles.Viewer, oidc.RoleFor(["guests"]));
    }

    [Fact]
    public void StartUp_WithMissingClientId_FailsNamingTheKey()
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Auth:Oidc:Authority"] = "https://idp.example/realms/flowweb";
        factory.Settings["Auth:Oidc:DefaultRole"] = "Viewer";

        var message = factory.StartFailure();

        Assert.Contains("OptionsValidationException: Auth:Oidc:ClientId is required", message, StringComparison.Ordinal);
    }
}
