using Spawn.Core.Retry;

namespace Spawn.Core.Parsing;

/// <summary>Maps a job's <c>retry</c> block to a <see cref="RetryPolicy"/>, reporting every invalid field.</summary>
internal static class RetryMapper
{
    public static RetryPolicy? Map(ParseContext context, SourceNode node, JsonPath path)
    {
        if (context.Object(node, path) is not { } obj)
        {
            return null;
        }

        var before = context.ErrorCount;
        var fields = context.Members(obj, path, QueueFields.Retry, DidYouMean.ForRetryField);

        int? maxAttempts = null;
        if (fields.Get("max_attempts") is not { } attemptsMember)
        {
            context.Error(obj.Offset, path, $"{path} is missing required field \"max_attempts\" (total attempts, including the first)");
        }
        else if (context.Integer(attemptsMember.Value, path.Child("max_attempts")) is { } attempts)
        {
            if (attempts < 1)
            {
                context.Error(attemptsMember.Value.Offset, path.Child("max_attempts"), $"{path.Child("max_attempts")} must be at least 1, found {attempts}");
            }

            maxAttempts = attempts;
        }

        var backoff = BackoffStrategy.Exponential;
        if (fields.Get("backoff") is { } backoffMember && context.String(backoffMember.Value, path.Child("backoff")) is { } name)
        {
            backoff = Backoff(context, name, backoffMember.Value.Offset, path.Child("backoff"));
        }

        var baseDelay = Delay(context, fields, "base_delay", path, allowZero: true);
        var maxDelay = Delay(context, fields, "max_delay", path, allowZero: false) ?? RetryPolicy.DefaultMaxDelay;

        double? jitter = null;
        if (fields.Get("jitter") is { } jitterMember && context.Number(jitterMember.Value, path.Child("jitter")) is { } j)
        {
            if (j is < 0 or > 1)
            {
                context.Error(jitterMember.Value.Offset, path.Child("jitter"), $"{path.Child("jitter")} must be between 0 and 1 (a fraction of the delay), found {j}");
            }

            jitter = j;
        }

        var retryOn = Codes(context, fields, "retry_on_codes", path);
        var dontRetryOn = Codes(context, fields, "dont_retry_on_codes", path);
        if (context.ErrorCount != before || maxAttempts is null)
        {
            return null;
        }

        var effectiveJitter = jitter ?? (backoff == BackoffStrategy.ExponentialJitter ? RetryPolicy.DefaultJitterForExponentialJitter : 0);
        return new RetryPolicy(maxAttempts.Value, backoff, baseDelay, maxDelay, effectiveJitter, retryOn, dontRetryOn);
    }

    private static BackoffStrategy Backoff(ParseContext context, string name, int offset, JsonPath path)
    {
        switch (name)
        {
            case "exponential":
                return BackoffStrategy.Exponential;
            case "fixed":
                return BackoffStrategy.Fixed;
            case "exponential-jitter":
                return BackoffStrategy.ExponentialJitter;
            default:
                var guess = DidYouMean.Closest(name, QueueFields.BackoffNames);
                var hint = guess is null ? "" : $"; did you mean \"{guess}\"?";
                context.Error(offset, path, $"{path} must be \"exponential\", \"fixed\" or \"exponential-jitter\", found \"{name}\"{hint}");
                return BackoffStrategy.Exponential;
        }
    }

    private static TimeSpan? Delay(ParseContext context, ObjectFields fields, string name, JsonPath path, bool allowZero) =>
        fields.Get(name) is { } member ? context.Duration(member.Value, path.Child(name), allowZero) : null;

    private static List<int>? Codes(ParseContext context, ObjectFields fields, string name, JsonPath path)
    {
        var listPath = path.Child(name);
        if (fields.Get(name) is not { } member || context.Array(member.Value, listPath) is not { } array)
        {
            return null;
        }

        var codes = new List<int>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            if (context.Integer(array.Items[i], listPath.Item(i)) is not { } code)
            {
                continue;
            }

            if (code is < 1 or > 255)
            {
                context.Error(array.Items[i].Offset, listPath.Item(i), $"{listPath.Item(i)} must be an exit code from 1 to 255, found {code}");
            }

            codes.Add(code);
        }

        return codes;
    }
}
