using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace FlowWeb.Accounts;

/// <summary>
/// What the circuit's user may do, for handlers of interactive pages: hiding a button is for the eye, the handler
/// checks again (a Viewer's browser can still send the click event of a button it was never shown).
/// </summary>
internal sealed class UserRights(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    public async Task<bool> CanEditAsync() => await AllowedAsync(AccountRoles.EditPolicy);

    public async Task<bool> IsAdministratorAsync() => await AllowedAsync(AccountRoles.AdminPolicy);

    public async Task<string> UserIdAsync() =>
        (await authentication.GetAuthenticationStateAsync()).User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";

    public async Task<string> UserNameAsync() => (await authentication.GetAuthenticationStateAsync()).User.Identity?.Name ?? "";

    private async Task<bool> AllowedAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }
}
