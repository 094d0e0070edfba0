using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3.Model;
using S3Upload;

// Uploads one large file and many small ones to moto on loopback, each way in turn, and reports medians
// (bench/s3-upload.sh). Every upload of the first round is read back and compared byte for byte.
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var largeMiB = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var smallCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
const int SmallSize = 10 * 1024;
var work = Path.GetFullPath(args.Length > 3 ? args[3] : "bench/out/s3-upload");
if (Directory.Exists(work))
{
    Directory.Delete(work, recursive: true);
}

Directory.CreateDirectory(work);
var large = Path.Combine(work, "large.bin");
WriteRandom(large, largeMiB * 1024L * 1024);
var smalls = Enumerable.Range(0, smallCount).Select(i => Path.Combine(work, "small", $"f{i:D4}.bin")).ToList();
Directory.CreateDirectory(Path.Combine(work, "small"));
smalls.ForEach(path => WriteRandom(path, SmallSize));

// spawn's own client takes credentials from the SDK's chain, as it does on a user's machine; moto accepts any.
Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
await using var moto = await Moto.StartAsync();
using var reader = Clients.Defaults(moto.Endpoint);
const string Bucket = "bench-uploads";
await reader.PutBucketAsync(Bucket);

IUploader[] uploaders = [new HandWritten(moto.Endpoint), new TransferUtilityDefaults(moto.Endpoint), new SpawnAsBuilt(moto.Endpoint)];
var largeTimes = uploaders.ToDictionary(u => u.Name, _ => new List<double>());
var smallTimes = uploaders.ToDictionary(u => u.Name, _ => new List<double>());

// Warm-up: JIT, connection pools and moto's first requests, not reported.
foreach (var uploader in uploaders)
{
    await uploader.PutAsync(Bucket, "warm-up/one", smalls[0], CancellationToken.None);
}

Console.WriteLine($"moto at {moto.Endpoint}; {rounds} rounds; 1 x {largeMiB} MiB, then {smallCount} x {SmallSize / 1024} KiB one after another");
for (var round = 1; round <= rounds; round++)
{
    // The order turns every round, so no way always goes first (cold) or last (after the others' garbage).
    var order = Enumerable.Range(0, uploaders.Length).Select(i => uploaders[(i + round - 1) % uploaders.Length]).ToList();
    foreach (var uploader in order)
    {
        var prefix = $"r{round}/{Slug(uploader.Name)}";
        var watch = Stopwatch.StartNew();
        await uploader.PutAsync(Bucket, $"{prefix}/large.bin", large, CancellationToken.None);
        largeTimes[uploader.Name].Add(watch.Elapsed.TotalSeconds);

        watch.Restart();
        for (var i = 0; i < smalls.Count; i++)
        {
            await uploader.PutAsync(Bucket, $"{prefix}/small/{i}", smalls[i], CancellationToken.None);
        }

        smallTimes[uploader.Name].Add(watch.Elapsed.TotalSeconds);
        if (round == 1)
        {
            await VerifyAsync($"{prefix}/large.bin", large);
            for (var i = 0; i < smalls.Count; i++)
            {
                await VerifyAsync($"{prefix}/small/{i}", smalls[i]);
            }
        }

        // moto holds objects in memory: drop what this round put there.
        await reader.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = Bucket,
            Objects = [new KeyVersion { Key = $"{prefix}/large.bin" }, .. Enumerable.Range(0, smalls.Count).Select(i => new KeyVersion { Key = $"{prefix}/small/{i}" })],
        });
        Console.WriteLine($"round {round}: {uploader.Name,-44} large {largeTimes[uploader.Name][^1],7:F3} s   small {smallTimes[uploader.Name][^1],7:F3} s");
    }
}

Console.WriteLine();
Console.WriteLine($"{"way",-44} {"large: median",14} {"min",8} {"max",8} {"small: median",14} {"min",8} {"max",8}");
foreach (var uploader in uploaders)
{
    var l = largeTimes[uploader.Name];
    var s = smallTimes[uploader.Name];
    Console.WriteLine($"{uploader.Name,-44} {Median(l),12:F3} s {l.Min(),6:F3} s {l.Max(),6:F3} s {Median(s),12:F3} s {s.Min(),6:F3} s {s.Max(),6:F3} s");
}

Console.WriteLine();
var hand = uploaders[0].Name;
var tu = uploaders[1].Name;
var built = uploaders[2].Name;
// Ratios within a round compare runs that met the same load on the machine; their median is the figure to read.
Console.WriteLine($"{"ratio, median of the per-round ratios (min-max)",-52} {"large",16} {"small",16}");
Ratio("TransferUtility / hand-written", tu, hand);
Ratio("as built / hand-written", built, hand);
Ratio("as built / TransferUtility", built, tu);
Console.WriteLine("every upload of round 1 read back byte-exact");
foreach (var uploader in uploaders)
{
    uploader.Dispose();
}

return 0;

void Ratio(string label, string over, string under)
{
    var largeRatios = largeTimes[over].Zip(largeTimes[under], (a, b) => a / b).ToList();
    var smallRatios = smallTimes[over].Zip(smallTimes[under], (a, b) => a / b).ToList();
    Console.WriteLine($"{label,-52} {Median(largeRatios),6:F2}x ({largeRatios.Min():F2}-{largeRatios.Max():F2}) {Median(smallRatios),6:F2}x ({smallRatios.Min():F2}-{smallRatios.Max():F2})");
}

async Task VerifyAsync(string key, string path)
{
    using var response = await reader.GetObjectAsync(Bucket, key);
    var remote = await SHA256.HashDataAsync(response.ResponseStream);
    await using var local = File.OpenRead(path);
    var expected = await SHA256.HashDataAsync(local);
    if (!remote.SequenceEqual(expected))
    {
        throw new InvalidOperationException($"s3://{Bucket}/{key} differs from {path}");
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Slug(string name) => new([.. name.Where(char.IsAsciiLetterOrDigit)]);

static void WriteRandom(string path, long size)
{
    using var file = File.Create(path);
    var buffer = new byte[1024 * 1024];
    for (long written = 0; written < size; written += buffer.Length)
    {
        Random.Shared.NextBytes(buffer);
        file.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
    }
}
