using FlowWeb.Accounts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages;

/// <summary>The signed-in user's own page: their password and their API keys (a key is shown once, when it is made).</summary>
public sealed partial class Account
{
    private string _userName = "";
    private string _userId = "";
    private string _role = "";
    private string _current = "";
    private string _next = "";
    private string _confirm = "";
    private string? _passwordMessage;
    private Severity _passwordSeverity;
    private string _keyName = "";
    private ApiKeyLevel _keyLevel = ApiKeyLevel.Read;
    private string? _newKey;
    private string? _keyError;
    private IReadOnlyList<ApiKeyInfo> _keys = [];

    [Inject]
    private UserRights Rights { get; set; } = default!;

    [Inject]
    private AccountService Accounts { get; set; } = default!;

    [Inject]
    private ApiKeyService Keys { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _userName = await Rights.UserNameAsync();
        _userId = await Rights.UserIdAsync();
        _role = (await Accounts.ListAsync()).FirstOrDefault(u => u.Id == _userId)?.Role ?? "";
        await LoadKeysAsync();
    }

    private async Task ChangePasswordAsync()
    {
        if (_next != _confirm)
        {
            (_passwordMessage, _passwordSeverity) = ("The two new passwords differ.", Severity.Error);
            return;
        }

        var errors = await Accounts.ChangeOwnPasswordAsync(_userId, _current, _next);
        (_passwordMessage, _passwordSeverity) = errors.Count == 0
            ? ("Password changed. Your sessions end within a minute: sign in again with the new password.", Severity.Success)
            : (string.Join(" ", errors), Severity.Error);
        (_current, _next, _confirm) = ("", "", "");
    }

    private async Task CreateKeyAsync()
    {
        _newKey = null;
        _keyError = string.IsNullOrWhiteSpace(_keyName) ? "Name the key after what will use it."
            : _keyName.Trim().Length > ApiKeyService.MaxNameLength ? $"At most {ApiKeyService.MaxNameLength} characters."
            : Core.Sensors.DisplayText.Problem(_keyName);
        if (_keyError is not null || string.IsNullOrEmpty(_userId))
        {
            return;
        }

        _newKey = await Keys.CreateAsync(_userId, _keyName, _keyLevel);
        _keyName = "";
        await LoadKeysAsync();
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        await Keys.RevokeAsync(key.Id, _userId);
        await LoadKeysAsync();
    }

    private async Task LoadKeysAsync() => _keys = string.IsNullOrEmpty(_userId) ? [] : await Keys.ListAsync(_userId);
}
