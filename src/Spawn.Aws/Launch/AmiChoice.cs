using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Spawn.Aws.Launch;

/// <summary>
/// The image to boot: <c>--ami</c> when given (checked to exist and to match the instance type's architecture),
/// else the latest Amazon Linux 2023 of that architecture from AWS's public SSM parameter.
/// </summary>
public sealed class AmiChoice(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm)
{
    public static string DefaultAmiParameter(string architecture) =>
        $"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{architecture}";

    /// <summary>The image, checked to exist and to match the architecture, with its root device (where --disk-size applies).</summary>
    public async Task<Image> ResolveAsync(string? ami, InstanceTypeInfo type, CancellationToken cancellationToken)
    {
        var id = ami ?? await LatestAsync(type, cancellationToken).ConfigureAwait(false);
        return await CheckedAsync(id, type, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> LatestAsync(InstanceTypeInfo type, CancellationToken cancellationToken)
    {
        var parameter = DefaultAmiParameter(type.Architecture);
        try
        {
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = parameter }, cancellationToken).ConfigureAwait(false);
            return response.Parameter.Value;
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e))
        {
            throw LaunchException.Aws($"cannot find the latest Amazon Linux 2023 image (SSM parameter {parameter}; or give --ami)", e);
        }
    }

    private async Task<Image> CheckedAsync(string ami, InstanceTypeInfo type, CancellationToken cancellationToken)
    {
        Image? image;
        try
        {
            var response = await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [ami] }, cancellationToken).ConfigureAwait(false);
            image = response.Images?.FirstOrDefault();
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode is "InvalidAMIID.NotFound" or "InvalidAMIID.Malformed" or "InvalidAMIID.Unavailable")
        {
            image = null;
        }
        catch (Exception e) when (AwsErrorText.IsAwsFailure(e))
        {
            throw LaunchException.Aws($"cannot check --ami {ami}", e);
        }

        if (image is null)
        {
            throw new LaunchException($"--ami {ami}: no such image in this region (or it is not shared with this account)", 1);
        }

        if (image.Architecture?.Value is { } architecture && architecture != type.Architecture)
        {
            throw LaunchException.BadInput($"--ami {ami} is an {architecture} image, but {type.InstanceType} is {type.Architecture}: pick an image of that architecture, or leave --ami out");
        }

        return image;
    }
}
