namespace ExecutionLayer.Approvals;

/// <summary>The "Approvals" configuration section.</summary>
public sealed record ApprovalsOptions
{
    /// <summary>
    /// Where approvers' links point: the gateway's public address, so a link works from a phone as well as a desk.
    /// Left empty, it is the gateway's address in <c>Services:gateway</c> + <c>/api</c>.
    /// </summary>
    public string PublicBaseUrl { get; init; } = "";

    /// <summary>Largest request body accepted (413 beyond it); the decision context is most of it.</summary>
    public long MaxBodyBytes { get; init; } = 256 * 1024;

    public TokenOptions Tokens { get; init; } = new();

    public WebhookOptions Webhooks { get; init; } = new();

    /// <summary>
    /// Origins (scheme, host and port) a requester may register a live-context link under, for a request no exception case made.
    /// The service GETs that link when a notice is sent, a decision page opens and a decision is posted, so only origins the
    /// operator trusts are accepted: none by default (a request naming one elsewhere is refused with 422).
    /// </summary>
    public string[] LiveContextOrigins { get; init; } = [];

    public bool AllowsLiveContextAt(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(url.UserInfo)
        && LiveContextOrigins.Any(o => Uri.TryCreate(o, UriKind.Absolute, out var origin)
            && Uri.Compare(origin, url, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);

    /// <summary>Directory entries under this "site" hold roles for every site (an operations director, say).</summary>
    public const string CorporateSite = "CORPORATE";
}

public sealed record TokenOptions
{
    /// <summary>HMAC key for decision tokens. Rotating it voids every outstanding link.</summary>
    public string Key { get; init; } = "";
}

public sealed record WebhookOptions
{
    /// <summary>Attempts per delivery run before it is dead-lettered (1 + retries).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Base of the exponential backoff (jittered) between attempts.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A failing endpoint's circuit opens for <see cref="FirstBreak"/>, then one delivery probes it (half-open): a receiver back
    /// by then gets its notices at once; one still failing keeps it open twice as long each time, up to this.
    /// Deliveries to an open circuit wait instead of piling attempts on it.
    /// </summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a failing endpoint's circuit first stays open before a probe (see <see cref="BreakDuration"/>).</summary>
    public TimeSpan FirstBreak { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How far a signed callback's timestamp may be from our clock (replay window).</summary>
    public TimeSpan TimestampTolerance { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long a claimed delivery stays ours without renewal. The sender renews it every third of this
    /// while the delivery's attempts and backoff run, so it bounds only how soon another instance takes
    /// over the deliveries of one that died mid-send — not how long a delivery may take.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deliveries one instance has in flight at once.</summary>
    public int Concurrency { get; init; } = 8;
}
