using FlowWeb.Accounts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Administrators manage users (add, role, new password, delete) and revoke anyone's key. Each handler asks again
/// whether the circuit's user is an administrator: the page attribute is checked when the page opens, and a role
/// can be taken away while it is open.
/// </summary>
public sealed partial class Users
{
    private IReadOnlyList<UserInfo> _users = [];
    private IReadOnlyList<ApiKeyInfo> _keys = [];
    private Dictionary<string, string> _owners = [];
    private readonly Dictionary<string, string> _passwords = [];
    private string _newName = "";
    private string _newPassword = "";
    private string _newRole = AccountRoles.Viewer;
    private string? _message;
    private Severity _severity;

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private AccountService Accounts { get; set; } = default!;

    [Inject]
    private ApiKeyService Keys { get; set; } = default!;

    [Inject]
    private ILogger<Users> Logger { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private Task AddAsync() => ChangeAsync($"added ({_newRole})", _newName, async () =>
    {
        var errors = await Accounts.CreateAsync(_newName, _newPassword, _newRole);
        if (errors.Count == 0)
        {
            (_newName, _newPassword) = ("", "");
        }

        return errors;
    });

    private Task SetRoleAsync(UserInfo user, string role) =>
        ChangeAsync($"made {role}", user.UserName, async () => await Accounts.SetRoleAsync(user.Id, role, await Rights.UserIdAsync()));

    private Task SetPasswordAsync(UserInfo user) =>
        ChangeAsync("set a new password for", user.UserName, () => Accounts.SetPasswordAsync(user.Id, _passwords.GetValueOrDefault(user.Id, "")));

    private Task DeleteAsync(UserInfo user) =>
        ChangeAsync("deleted", user.UserName, async () => await Accounts.DeleteAsync(user.Id, await Rights.UserIdAsync()));

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        if (await Rights.IsAdministratorAsync())
        {
            await Keys.RevokeAsync(key.Id, userId: null);
            await LoadAsync();
        }
    }

    private async Task ChangeAsync(string action, string userName, Func<Task<IReadOnlyList<string>>> change)
    {
        if (!await Rights.IsAdministratorAsync())
        {
            (_message, _severity) = ("Only administrators manage users.", Severity.Error);
            return;
        }

        var errors = await change();
        if (errors.Count == 0)
        {
            var actor = await Rights.UserNameAsync();
            AccountLog.UserChanged(Logger, actor, action, userName);
        }

        (_message, _severity) = errors.Count == 0 ? ($"User {userName}: {action.Split(' ')[0]}.", Severity.Success) : ($"{userName}: {string.Join(" ", errors)}", Severity.Error);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _users = await Accounts.ListAsync();
        _owners = _users.ToDictionary(u => u.Id, u => u.UserName);
        foreach (var user in _users)
        {
            _passwords.TryAdd(user.Id, "");
        }

        _keys = await Keys.ListAsync(userId: null);
    }
}
