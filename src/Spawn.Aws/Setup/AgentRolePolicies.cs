using System.Text.Json;

namespace Spawn.Aws.Setup;

/// <summary>
/// The two documents of the role the instances of <c>spawn launch</c> run as: who may assume it (EC2), and what it
/// may do — exactly what <c>spored</c> and its bootstrap call, on one bucket, and nothing else. docs/iam.md shows
/// the same document for the default bucket, and says the same in prose.
/// </summary>
/// <remarks>
/// What the instance does, and the permission each call needs:
/// <list type="bullet">
/// <item>downloads <c>{prefix}/agent/spored</c>, <c>queue.json</c> and their <c>.sha256</c>: GetObject;</item>
/// <item>uploads logs, results and <c>queue-state.json</c>, large files in parts (MultipartUpload), and abandons a
/// failed multipart upload so its parts stop costing storage: PutObject (covers initiate, part, complete) and
/// AbortMultipartUpload;</item>
/// <item>reads <c>{prefix}/control/cancel</c> and, on resume, its own <c>queue-state.json</c> and completed jobs'
/// results (listed first): GetObject, ListBucket; checks the bucket exists before the first job
/// (S3BucketCheck lists one key of the bucket, with no prefix): ListBucket;</item>
/// <item>learns its spot request id (IMDS does not carry it) and cancels that request at the end so EC2 does
/// not start a replacement: DescribeSpotInstanceRequests, CancelSpotInstanceRequests.</item>
/// </list>
/// Left out on purpose: s3:DeleteObject (nothing on the instance deletes; a job cannot erase results),
/// s3:GetBucketLocation (the SDK learns a bucket's region from S3's <c>x-amz-bucket-region</c> answer, which
/// ListBucket covers; nothing here asks for the location), any ec2 call that changes an instance (the agent ends
/// its instance by powering off, with InstanceInitiatedShutdownBehavior=terminate).
/// </remarks>
public static class AgentRolePolicies
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>One inline policy per bucket, so setting up a second region adds its bucket instead of replacing the first.</summary>
    public static string PolicyName(string bucket) => $"spawn-agent-{bucket}";

    /// <summary>Lets EC2 hand the role to an instance (through the instance profile of the same name); no one else may assume it.</summary>
    public static string Trust() => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("Effect", "Allow");
        writer.WritePropertyName("Principal");
        writer.WriteStartObject();
        writer.WriteString("Service", "ec2.amazonaws.com");
        writer.WriteEndObject();
        writer.WriteString("Action", "sts:AssumeRole");
        writer.WriteEndObject();
    });

    /// <summary>The permissions of the role on <paramref name="bucket"/>, in the partition of <paramref name="region"/>.</summary>
    public static string Permissions(string bucket, string region)
    {
        var partition = ArnPartition.For(region);
        var bucketArn = $"arn:{partition}:s3:::{bucket}";
        return Write(writer =>
        {
            // Every object of the bucket, not only {prefix}/: the prefix is each queue's result_s3_prefix, any
            // string (even empty), and one role serves every queue. GetObject here also covers {prefix}/agent/*,
            // so no separate statement for the agent's download (a pattern like B/*/agent/* would not even match
            // the agent of a queue whose prefix is empty).
            Statement(writer, "QueueObjects", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], $"{bucketArn}/*");

            // Listing: restoring results on resume lists {prefix}/jobs/; the pre-start check lists the bucket with
            // no prefix, so no s3:prefix condition. It also makes S3 answer 404 rather than 403 for a key that
            // does not exist, which is how the agent tells "no cancel request" and "no state yet" from a failure.
            Statement(writer, "QueueListing", ["s3:ListBucket"], bucketArn);

            // Its own spot request is found by the instance that fulfilled it (filter instance-id); IMDS does not
            // carry the id. Describe* calls support no resource-level permissions in IAM: "*" is the only resource
            // it accepts. Read-only.
            Statement(writer, "OwnSpotRequest", ["ec2:DescribeSpotInstanceRequests"], "*");

            // Only spot requests that spawn launch tagged (spawn:queue-id, tagged at RunInstances). IAM has no
            // condition that ties a request to the instance calling, so this is as tight as it goes. Account and
            // region are "*": a role only ever acts in its own account, and queues run in any region.
            Statement(writer, "SpawnSpotRequests", ["ec2:CancelSpotInstanceRequests"], $"arn:{partition}:ec2:*:*:spot-instances-request/*",
                condition: w =>
                {
                    w.WritePropertyName("Null");
                    w.WriteStartObject();
                    w.WriteString("ec2:ResourceTag/spawn:queue-id", "false");
                    w.WriteEndObject();
                });
        });
    }

    private static void Statement(Utf8JsonWriter writer, string sid, string[] actions, string resource, Action<Utf8JsonWriter>? condition = null)
    {
        writer.WriteStartObject();
        writer.WriteString("Sid", sid);
        writer.WriteString("Effect", "Allow");
        writer.WriteStartArray("Action");
        foreach (var action in actions)
        {
            writer.WriteStringValue(action);
        }

        writer.WriteEndArray();
        writer.WriteString("Resource", resource);
        if (condition is not null)
        {
            writer.WritePropertyName("Condition");
            writer.WriteStartObject();
            condition(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>A policy document: the 2012-10-17 language version (the one that has policy variables) and the statements.</summary>
    private static string Write(Action<Utf8JsonWriter> statements)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            statements(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
