using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Spawn.Aws.Setup;

/// <summary>Makes the results bucket exist in its region: asked first (HeadBucket), created only when S3 says it is not there.</summary>
public sealed class BucketSetup(IAmazonS3 s3)
{
    /// <summary>The same creation as the AWS CLI command, for <c>spawn setup --print</c>.</summary>
    public static IReadOnlyList<string> CliCommand(string bucket, string region) =>
        IsDefaultLocation(region)
            ? ["s3api", "create-bucket", "--bucket", bucket, "--region", region]
            : ["s3api", "create-bucket", "--bucket", bucket, "--region", region, "--create-bucket-configuration", $"LocationConstraint={region}"];

    public async Task<SetupOutcome> EnsureAsync(string bucket, string region, CancellationToken cancellationToken)
    {
        var part = $"bucket {bucket}";
        try
        {
            var found = await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return new SetupOutcome(part, SetupChange.AlreadyThere, ElsewhereNote(found.BucketRegion, region));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Not there: create it below.
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new SetupException($"{part} exists but these credentials may not use it (another account's, or no s3:ListBucket on it): choose another name with --bucket", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.MovedPermanently)
        {
            // S3 answers a HEAD sent to another region's endpoint with a redirect: the bucket exists, elsewhere.
            return new SetupOutcome(part, SetupChange.AlreadyThere, $"(in another region than {region})");
        }

        try
        {
            // us-east-1 is S3's default location and refuses to be named as a LocationConstraint. The region is
            // given as is: the SDK's name lookup turns eu-west-1 into the legacy "EU", which S3 refuses from a
            // regional endpoint.
            await s3.PutBucketAsync(
                IsDefaultLocation(region) ? new PutBucketRequest { BucketName = bucket } : new PutBucketRequest { BucketName = bucket, BucketRegion = new S3Region(region) },
                cancellationToken).ConfigureAwait(false);
            return new SetupOutcome(part, SetupChange.Created, $"in {region}");
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Another setup made it between our question and this answer.
            return new SetupOutcome(part, SetupChange.AlreadyThere);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyExists")
        {
            throw new SetupException($"{part}: the name is taken by another AWS account (bucket names are global): choose another with --bucket", e);
        }
    }

    private static bool IsDefaultLocation(string region) => region == "us-east-1";

    private static string? ElsewhereNote(string? bucketRegion, string region) =>
        string.IsNullOrEmpty(bucketRegion) || bucketRegion == region ? null : $"(in {bucketRegion})";
}
