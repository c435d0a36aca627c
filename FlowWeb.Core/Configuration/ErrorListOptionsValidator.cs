using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Configuration;

/// <summary>
/// Adapts an options class's own <c>Validate()</c> (one message per problem, each naming its configuration key)
/// to <see cref="IValidateOptions{TOptions}"/>, so that start-up reports every problem at once.
/// </summary>
public sealed class ErrorListOptionsValidator<TOptions>(Func<TOptions, IEnumerable<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = validate(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
