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

    /// <summary>One root per test run, removed when the test process exits, so runs leave nothing in /tmp.</summary>
    private static readonly string Root = CreateRoot();

    public static string TempDirectory() => Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N"))).FullName;

    private static string CreateRoot()
    {
        var root = Directory.CreateTempSubdirectory("spawn-aws-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp directory is harmless.
            }
        };
        return root;
    }
}
