using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.EC2.Model;
using Spawn.Aws.Launch;

namespace Spawn.Cli.Launch;

/// <summary>What <c>spawn launch</c> prints: the instance and how to follow it, or (--dry-run) what it would send.</summary>
internal static class LaunchOutput
{
    public static void WriteLaunched(TextWriter output, LaunchedQueue launched, LaunchRequest launch, bool json)
    {
        var plan = launched.Plan;
        var id = launched.InstanceId;
        var follow = new[]
        {
            ("status", $"spawn queue status {id}"),
            ("logs", $"spawn queue logs {plan.QueueId} JOB_ID"),
            ("results", $"spawn queue results {plan.QueueId} --output ./results"),
            ("cancel", $"spawn queue cancel {id}"),
        };
        if (json)
        {
            output.WriteLine(Json(writer =>
            {
                writer.WriteString("instance_id", id);
                writer.WriteString("queue_id", plan.QueueId);
                writer.WriteString("region", plan.Region);
                WritePlanFields(writer, plan, launch);
                if (launched.OnDemandInstead is { } instead)
                {
                    writer.WriteString("on_demand_instead", instead);
                }

                writer.WriteStartObject("commands");
                foreach (var (name, text) in follow)
                {
                    writer.WriteString(name, text);
                }

                writer.WriteEndObject();
            }));
            return;
        }

        var market = launched.OnDemandInstead is not null || !launch.Spot ? "on-demand" : "spot";
        output.WriteLine($"Launched queue {plan.QueueId} on {id} ({plan.InstanceType.InstanceType}, {plan.InstanceType.Architecture}, {market}) in {plan.Region}");
        foreach (var note in new[] { launched.OnDemandInstead, launched.OnDemandInstead is null ? plan.Note : null }.OfType<string>())
        {
            output.WriteLine($"  note:     {note}");
        }

        output.WriteLine($"  image:    {plan.ImageId}");
        output.WriteLine($"  results:  {InstanceTags.FormatResults(plan.Bucket, plan.Prefix)}");
        output.WriteLine($"  agent:    s3://{plan.Bucket}/{plan.Upload.AgentKey} ({plan.Upload.AgentBytes / 1e6:0.0} MB)");
        output.WriteLine(launch.KeepInstance
            ? "  ends:     never by itself (--keep-instance): terminate it when done"
            : $"  ends:     powers off (and terminates) when the queue ends; at the latest {plan.DeadlineMinutes} min after boot (dead-man switch)");
        if (launch.Spot && launched.OnDemandInstead is null && plan.Note is null)
        {
            output.WriteLine("  spot:     EC2 stops it on interruption and starts it again when it can; the queue then resumes (the spot request is cancelled at the end)");
        }
        output.WriteLine();
        output.WriteLine("Follow it:");
        foreach (var (_, text) in follow)
        {
            output.WriteLine($"  {text}");
        }
    }

    public static void WriteDryRun(TextWriter output, LaunchPlan plan, bool json)
    {
        if (json)
        {
            output.WriteLine(Json(writer =>
            {
                writer.WriteBoolean("dry_run", true);
                writer.WriteString("queue_id", plan.QueueId);
                writer.WriteString("region", plan.Region);
                writer.WritePropertyName("run_instances");
                WriteRequest(writer, plan.Request);
                writer.WriteString("user_data", plan.UserData);
            }));
            return;
        }

        output.WriteLine($"Dry run: every check passed; nothing was uploaded or started. Queue {plan.QueueId} in {plan.Region} would be sent as:");
        output.WriteLine();
        output.WriteLine("RunInstances request:");
        output.WriteLine(Json(writer => WriteRequestFields(writer, plan.Request)));
        output.WriteLine();
        output.WriteLine($"Uploads: s3://{plan.Bucket}/{plan.Upload.AgentKey} ({plan.Upload.AgentBytes} bytes, sha256 {plan.Upload.AgentSha256})");
        output.WriteLine($"         s3://{plan.Bucket}/{plan.Upload.QueueKey} ({plan.Upload.QueueBytes} bytes, sha256 {plan.Upload.QueueSha256})");
        output.WriteLine();
        output.WriteLine("User data:");
        output.Write(plan.UserData);
    }

    private static void WritePlanFields(Utf8JsonWriter writer, LaunchPlan plan, LaunchRequest launch)
    {
        writer.WriteString("instance_type", plan.InstanceType.InstanceType);
        writer.WriteString("architecture", plan.InstanceType.Architecture);
        writer.WriteString("image_id", plan.ImageId);
        writer.WriteBoolean("spot", launch.Spot);
        if (plan.Note is { } note)
        {
            writer.WriteString("note", note);
        }

        writer.WriteString("results", InstanceTags.FormatResults(plan.Bucket, plan.Prefix));
        writer.WriteBoolean("keep_instance", launch.KeepInstance);
        if (!launch.KeepInstance)
        {
            writer.WriteNumber("dead_man_minutes", plan.DeadlineMinutes);
        }
    }

    private static void WriteRequest(Utf8JsonWriter writer, RunInstancesRequest request)
    {
        writer.WriteStartObject();
        WriteRequestFields(writer, request);
        writer.WriteEndObject();
    }

    /// <summary>The request as the EC2 API names its fields; the user data is shown separately, not as base64.</summary>
    private static void WriteRequestFields(Utf8JsonWriter writer, RunInstancesRequest request)
    {
        writer.WriteString("ImageId", request.ImageId);
        writer.WriteString("InstanceType", request.InstanceType?.Value);
        writer.WriteNumber("MinCount", request.MinCount ?? 1);
        writer.WriteNumber("MaxCount", request.MaxCount ?? 1);
        writer.WriteStartObject("IamInstanceProfile");
        writer.WriteString("Name", request.IamInstanceProfile?.Name);
        writer.WriteEndObject();
        writer.WriteStartObject("MetadataOptions");
        writer.WriteString("HttpTokens", request.MetadataOptions?.HttpTokens?.Value);
        writer.WriteString("HttpEndpoint", request.MetadataOptions?.HttpEndpoint?.Value);
        writer.WriteEndObject();
        writer.WriteString("InstanceInitiatedShutdownBehavior", request.InstanceInitiatedShutdownBehavior?.Value);
        if (request.InstanceMarketOptions is { } market)
        {
            writer.WriteStartObject("InstanceMarketOptions");
            writer.WriteString("MarketType", market.MarketType?.Value);
            writer.WriteStartObject("SpotOptions");
            writer.WriteString("SpotInstanceType", market.SpotOptions?.SpotInstanceType?.Value);
            writer.WriteString("InstanceInterruptionBehavior", market.SpotOptions?.InstanceInterruptionBehavior?.Value);
            if (market.SpotOptions?.MaxPrice is { } maxPrice)
            {
                writer.WriteString("MaxPrice", maxPrice);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (request.BlockDeviceMappings is { Count: > 0 })
        {
            writer.WriteStartArray("BlockDeviceMappings");
        }

        foreach (var mapping in request.BlockDeviceMappings ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("DeviceName", mapping.DeviceName);
            writer.WriteStartObject("Ebs");
            writer.WriteNumber("VolumeSize", mapping.Ebs?.VolumeSize ?? 0);
            writer.WriteString("VolumeType", mapping.Ebs?.VolumeType?.Value);
            writer.WriteBoolean("DeleteOnTermination", mapping.Ebs?.DeleteOnTermination ?? true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (request.BlockDeviceMappings is { Count: > 0 })
        {
            writer.WriteEndArray();
        }

        WriteStrings(writer, "SecurityGroupIds", request.SecurityGroupIds);
        WriteStrings(writer, "SecurityGroups", request.SecurityGroups);
        if (request.SubnetId is { } subnet)
        {
            writer.WriteString("SubnetId", subnet);
        }

        if (request.KeyName is { } key)
        {
            writer.WriteString("KeyName", key);
        }

        writer.WriteStartArray("TagSpecifications");
        foreach (var specification in request.TagSpecifications ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("ResourceType", specification.ResourceType?.Value);
            writer.WriteStartObject("Tags");
            foreach (var tag in specification.Tags ?? [])
            {
                writer.WriteString(tag.Key, tag.Value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("UserData", $"(base64 of the user data below, {Convert.FromBase64String(request.UserData).Length.ToString(CultureInfo.InvariantCulture)} bytes)");
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, List<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
