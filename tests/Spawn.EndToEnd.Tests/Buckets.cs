using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Spawn.Core.State;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>What a queue left in the loopback S3 server, read back the way a user's own tools would.</summary>
internal static class Buckets
{
    /// <summary>Every key under <paramref name="prefix"/>, relative to it, in ordinal order.</summary>
    public static async Task<IReadOnlyList<string>> KeysAsync(MotoServer s3, string bucket, string prefix)
    {
        using var client = s3.CreateClient();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix + "/" };
        do
        {
            var page = await client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key[request.Prefix.Length..]));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(request.ContinuationToken));

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    public static async Task<string> Sha256Async(MotoServer s3, string bucket, string key)
    {
        using var client = s3.CreateClient();
        using var response = await client.GetObjectAsync(bucket, key);
        return Convert.ToHexString(await SHA256.HashDataAsync(response.ResponseStream));
    }

    public static async Task<QueueState> StateAsync(MotoServer s3, string bucket, string prefix)
    {
        using var client = s3.CreateClient();
        using var response = await client.GetObjectAsync(bucket, $"{prefix}/queue-state.json");
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return QueueStateJson.Deserialize(bytes.ToArray());
    }

    /// <summary>
    /// Creates <paramref name="bucket"/> unless it is there already: <c>spawn queue status</c> can only look in the
    /// convention bucket <c>spawn-results-{region}</c>, a fixed name that tests share.
    /// </summary>
    public static async Task EnsureAsync(MotoServer s3, string bucket)
    {
        using var client = s3.CreateClient();
        try
        {
            await client.PutBucketAsync(bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
