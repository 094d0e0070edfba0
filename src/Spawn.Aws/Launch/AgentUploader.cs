using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws.Launch;

/// <summary>
/// Puts the agent build and the queue copy under <c>{prefix}/agent/</c>, each with a <c>.sha256</c> beside it (for
/// people; the bootstrap checks the digests written into the user data, which nobody can change afterwards).
/// </summary>
public sealed class AgentUploader(IAmazonS3 s3, string bucket, string prefix)
{
    public AgentUpload Plan(string agentPath, byte[] queueBytes)
    {
        string agentSha;
        using (var agent = File.OpenRead(agentPath))
        {
            agentSha = Convert.ToHexStringLower(SHA256.HashData(agent));
        }

        return new AgentUpload(
            S3Keys.Join(prefix, "agent/spored"),
            agentSha,
            S3Keys.Join(prefix, "agent/queue.json"),
            Convert.ToHexStringLower(SHA256.HashData(queueBytes)),
            new FileInfo(agentPath).Length,
            queueBytes.Length);
    }

    public async Task UploadAsync(AgentUpload plan, string agentPath, byte[] queueBytes, CancellationToken cancellationToken)
    {
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = plan.AgentKey, FilePath = agentPath }, cancellationToken).ConfigureAwait(false);
        await PutAsync(plan.AgentKey + ".sha256", Encoding.ASCII.GetBytes($"{plan.AgentSha256}  spored\n"), cancellationToken).ConfigureAwait(false);
        await PutAsync(plan.QueueKey, queueBytes, cancellationToken).ConfigureAwait(false);
        await PutAsync(plan.QueueKey + ".sha256", Encoding.ASCII.GetBytes($"{plan.QueueSha256}  queue.json\n"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the uploads back after a launch that failed, so a failed launch leaves nothing behind.</summary>
    public async Task RemoveAsync(AgentUpload plan, CancellationToken cancellationToken)
    {
        foreach (var key in new[] { plan.AgentKey, plan.AgentKey + ".sha256", plan.QueueKey, plan.QueueKey + ".sha256" })
        {
            await s3.DeleteObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PutAsync(string key, byte[] bytes, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(bytes);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body }, cancellationToken).ConfigureAwait(false);
    }
}
