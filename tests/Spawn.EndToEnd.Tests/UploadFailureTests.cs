using Amazon.S3.Model;
using Spawn.Tests.Shared;

namespace Spawn.EndToEnd.Tests;

/// <summary>Uploads that fail for one reason say it once per job, not once per file.</summary>
[Collection(MotoCollection.Name)]
public sealed class UploadFailureTests(MotoServer s3) : IDisposable
{
    private readonly Workspace _ws = S3Workspace.Create(s3);

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_bucket_gone_mid_run_is_named_once_for_all_of_a_jobs_files()
    {
        var bucket = await s3.CreateBucketAsync();
        var queue = _ws.WriteQueue($$"""
            {"queue_id": "{{S3Workspace.UniqueId("gone")}}", "result_s3_bucket": "{{bucket}}",
             "jobs": [{"job_id": "many", "timeout": "1m", "result_paths": ["{{_ws.Work}}/out-*.txt"],
                       "command": "for i in 1 2 3 4; do echo $i > out-$i.txt; done; echo log; while [ ! -e go ]; do sleep 0.05; done"}]}
            """);
        await using var run = new BackgroundRun(_ws, "queue", "run", queue, "--state-file", _ws.StateFile, "--log-dir", _ws.LogDir);
        await Poll.UntilAsync(() => File.Exists(Path.Combine(_ws.Work, "out-4.txt")), TimeSpan.FromSeconds(30), "the job to write its files");

        using (var client = s3.CreateClient())
        {
            var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            foreach (var o in objects.S3Objects ?? [])
            {
                await client.DeleteObjectAsync(bucket, o.Key);
            }

            await client.DeleteBucketAsync(bucket);
        }

        File.WriteAllText(Path.Combine(_ws.Work, "go"), "");
        var done = await run.WaitAsync(TimeSpan.FromSeconds(60));

        var problem = _ws.State().Job("many").ErrorMessage ?? "";
        Assert.True(problem.Split("bucket does not exist").Length == 2, $"the cause is not said exactly once: {problem}\n{done}");
        Assert.Contains("6 files", problem, StringComparison.Ordinal);
        Assert.Contains("out-3.txt", problem, StringComparison.Ordinal);
        Assert.Contains("stdout.log", problem, StringComparison.Ordinal);
    }
}
