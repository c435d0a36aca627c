using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Dns;

/// <summary>What a reverse lookup found for one address, cached until <see cref="ExpiresAt"/>.</summary>
/// <param name="Name">The PTR name without its trailing dot; null when there is none (see <see cref="Outcome"/>).</param>
public readonly record struct ReverseDnsName(FlowAddress Address, string? Name, ReverseDnsOutcome Outcome, DateTimeOffset ExpiresAt)
{
    public bool HasName => Name is not null;
}

/// <summary>How a lookup ended. Everything but <see cref="Name"/> is a negative answer, cached for <c>NegativeTtl</c>.</summary>
public enum ReverseDnsOutcome
{
    /// <summary>A PTR record was found.</summary>
    Name,

    /// <summary>The server said the reverse name does not exist (NXDOMAIN).</summary>
    NxDomain,

    /// <summary>The reverse name exists but has no PTR record (NOERROR without an answer).</summary>
    NoPtr,

    /// <summary>No answer within <c>QueryTimeout</c>, or no server reachable.</summary>
    Timeout,

    /// <summary>The server answered SERVFAIL or REFUSED.</summary>
    ServerFailure,

    /// <summary>Any other error: another response code, a malformed answer, a socket error.</summary>
    Failed,
}

/// <summary>What <see cref="ReverseDnsResolver.Request"/> did with a request. It never waits for the network.</summary>
public enum ReverseDnsRequestResult
{
    /// <summary>An answer (a name or a negative one) is cached; nothing was queued.</summary>
    Cached,

    /// <summary>A lookup was queued; subscribers hear when it ends.</summary>
    Queued,

    /// <summary>A lookup for this address is already queued or running; this request joins it.</summary>
    AlreadyPending,

    /// <summary>Not looked up: a private address while <c>ResolvePrivateAddresses</c> is off, or the unspecified address.</summary>
    Skipped,

    /// <summary>Reverse DNS is switched off (<c>Enabled</c> false) or the resolver has stopped.</summary>
    Disabled,
}
