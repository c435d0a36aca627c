namespace FlowWeb.Accounts;

/// <summary>What the account pages log (sign-ins, failures, setup, user changes), and the one check they share.</summary>
internal static partial class AccountLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} signed in")]
    public static partial void SignedIn(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed sign-in for {UserName} (locked out: {LockedOut})")]
    public static partial void SignInFailed(ILogger logger, string userName, bool lockedOut);

    [LoggerMessage(Level = LogLevel.Information, Message = "Setup created the first administrator {UserName}")]
    public static partial void SetupDone(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} {Action} user {UserName}")]
    public static partial void UserChanged(ILogger logger, string actor, string action, string userName);

    /// <summary>
    /// A return URL as a path relative to the app's base, or empty: only a path of this site is followed, so the
    /// sign-in page is no open redirect (<c>//evil.example</c>, <c>https://evil.example</c>, <c>\\evil</c> are dropped).
    /// </summary>
    public static string LocalPath(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl))
        {
            return "";
        }

        var path = returnUrl.StartsWith('/') ? returnUrl[1..] : returnUrl;
        return path.StartsWith('/') || path.StartsWith('\\') || path.Contains(':', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) ? "" : path;
    }
}
