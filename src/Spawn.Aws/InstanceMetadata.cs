using System.Net;

namespace Spawn.Aws;

/// <summary>
/// A small IMDSv2 client: a session token from <c>PUT /latest/api/token</c>, then GETs that carry it. It honours the
/// SDK's variables: <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> (default <c>http://169.254.169.254</c>) and
/// <c>AWS_EC2_METADATA_DISABLED=true</c>. Off EC2 the address may refuse at once or never answer, so every request is
/// short (1 s, connection included) and tried twice: "not an instance" costs at most about 2 s, and callers do not
/// wait for it before they get going.
/// </summary>
public sealed class InstanceMetadata : IDisposable
{
    public static readonly Uri DefaultEndpoint = new("http://169.254.169.254");

    private const int Tries = 2;
    private const string TokenTtlSeconds = "21600";
    /// <summary>For each request, connection included: on EC2 the service answers within milliseconds.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpClient http;
    private readonly Uri endpoint;

    /// <summary>The session token of <see cref="ReadAsync"/>, kept between looks (IMDS gives it for six hours).</summary>
    private string? sessionToken;

    public InstanceMetadata(Uri endpoint)
    {
        this.endpoint = endpoint;
        // Never through a proxy (HTTP_PROXY is for the user's traffic; the metadata address is on the instance itself),
        // and no redirects: what answers here hands out credentials.
        http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = RequestTimeout, UseProxy = false, AllowAutoRedirect = false })
        {
            Timeout = RequestTimeout,
        };
    }

    /// <summary>The client the environment asks for, or null when <c>AWS_EC2_METADATA_DISABLED</c> is <c>true</c>.</summary>
    /// <param name="variable">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="FormatException"><c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> is not an http(s) URL.</exception>
    public static InstanceMetadata? FromEnvironment(Func<string, string?> variable)
    {
        if (string.Equals(variable("AWS_EC2_METADATA_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var configured = variable("AWS_EC2_METADATA_SERVICE_ENDPOINT")?.Trim();
        if (string.IsNullOrEmpty(configured))
        {
            return new InstanceMetadata(DefaultEndpoint);
        }

        return Uri.TryCreate(configured, UriKind.Absolute, out var endpoint) && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)
            ? new InstanceMetadata(endpoint)
            : throw new FormatException($"AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http:// URL: \"{configured}\"");
    }

    /// <summary>The instance this runs on, or null when no metadata service answers (not on EC2, or it is off).</summary>
    public async Task<InstanceDescription?> DescribeAsync(CancellationToken cancellationToken)
    {
        if (await TokenAsync(cancellationToken).ConfigureAwait(false) is not { } token)
        {
            return null;
        }

        // The four answers are independent: asked at once, they cost one round trip.
        var id = GetAsync("meta-data/instance-id", token, cancellationToken);
        var region = GetAsync("meta-data/placement/region", token, cancellationToken);
        var type = GetAsync("meta-data/instance-type", token, cancellationToken);
        var lifeCycle = GetAsync("meta-data/instance-life-cycle", token, cancellationToken);
        await Task.WhenAll(id, region, type, lifeCycle).ConfigureAwait(false);
        return await id.ConfigureAwait(false) is { } instanceId
            ? new InstanceDescription(instanceId, await region.ConfigureAwait(false), await type.ConfigureAwait(false), await lifeCycle.ConfigureAwait(false))
            : null;
    }

    /// <summary>
    /// One item under <c>/latest/</c> (e.g. <c>meta-data/spot/instance-action</c>) with a session token kept for the
    /// next look; null for a 404 or no answer. A refused token is asked for again once.
    /// </summary>
    public async Task<string?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        for (var fresh = 0; fresh < 2; fresh++)
        {
            var token = Volatile.Read(ref sessionToken) ?? await TokenAsync(cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return null;
            }

            Volatile.Write(ref sessionToken, token);
            var (status, body) = await SendWithStatusAsync(() => GetRequest(path, token), cancellationToken).ConfigureAwait(false);
            if (status != HttpStatusCode.Unauthorized)
            {
                return body;
            }

            Volatile.Write(ref sessionToken, null);
        }

        return null;
    }

    public void Dispose() => http.Dispose();

    private Task<string?> TokenAsync(CancellationToken cancellationToken) =>
        SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, new Uri(endpoint, "/latest/api/token"));
            request.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", TokenTtlSeconds);
            return request;
        }, cancellationToken);

    private Task<string?> GetAsync(string path, string token, CancellationToken cancellationToken) =>
        SendAsync(() => GetRequest(path, token), cancellationToken);

    private HttpRequestMessage GetRequest(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "/latest/" + path));
        request.Headers.Add("X-aws-ec2-metadata-token", token);
        return request;
    }

    /// <summary>The body of a 200 answer, trimmed; null for any other answer, or none after <see cref="Tries"/> tries.</summary>
    private async Task<string?> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken) =>
        (await SendWithStatusAsync(request, cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>The last answer's status (null: none) and, for a 200, its trimmed body.</summary>
    private async Task<(HttpStatusCode? Status, string? Body)> SendWithStatusAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        HttpStatusCode? status = null;
        for (var attempt = 1; attempt <= Tries; attempt++)
        {
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
                status = response.StatusCode;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
                    return (status, body.Length > 0 ? body : null);
                }

                // 404: this instance has no such item. 401/403: the token is refused, or IMDS is turned off for the
                // instance. Neither is cured by asking again.
                if ((int)response.StatusCode < 500)
                {
                    return (status, null);
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Refused, unreachable, or no answer in time: try once more, then take it as "not an instance".
            }
        }

        return (status, null);
    }
}
