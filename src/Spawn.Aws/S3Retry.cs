namespace Spawn.Aws;

/// <summary>
/// Retries an S3 operation on transient errors with exponential backoff (1, 2, 4, 8 s between 5 attempts by default),
/// waiting on the injected clock; errors that retrying cannot fix (no bucket, access denied) fail at once.
/// </summary>
public sealed class S3Retry(TimeProvider clock, TextWriter log, int maxAttempts = 5, TimeSpan? firstDelay = null)
{
    private readonly TimeSpan baseDelay = firstDelay ?? TimeSpan.FromSeconds(1);

    public async Task RunAsync(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not S3TransferException)
            {
                var transient = S3Failure.IsTransient(e);
                if (!transient || attempt >= maxAttempts)
                {
                    var tries = transient ? $" (after {attempt} attempts)" : "";
                    throw new S3TransferException(what, $"{S3Failure.Describe(e)}{tries}", e);
                }

                var delay = baseDelay * Math.Pow(2, attempt - 1);
                log.WriteLine($"spawn: {what}: {S3Failure.Describe(e)}; retrying in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {maxAttempts})");
                await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
