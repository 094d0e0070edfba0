using System.Security.Cryptography;
using Amazon.S3;

namespace Spawn.Aws.Tests;

/// <summary>Random files to upload and their sha256, to prove byte-exact round trips.</summary>
internal static class TestFiles
{
    public static string Write(string directory, string relativePath, int size)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public static async Task<string> Sha256Async(IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        return Convert.ToHexString(await SHA256.HashDataAsync(response.ResponseStream));
    }

    public static string TempDirectory() => Directory.CreateTempSubdirectory("spawn-aws-").FullName;
}
