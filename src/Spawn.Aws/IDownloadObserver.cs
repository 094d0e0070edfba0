namespace Spawn.Aws;

/// <summary>Hears how a download of results goes, to show progress. Called from several threads at once.</summary>
public interface IDownloadObserver
{
    /// <summary>The listing is done: <paramref name="files"/> files of <paramref name="totalBytes"/> bytes will be fetched.</summary>
    void Planned(int files, long totalBytes);

    void Started(string relativePath, long size);

    /// <summary><paramref name="bytesSoFar"/> of the file have arrived.</summary>
    void Progressed(string relativePath, long bytesSoFar);

    /// <summary><paramref name="error"/> is null when the file arrived whole.</summary>
    void Finished(string relativePath, string? error);
}

public sealed class SilentDownloadObserver : IDownloadObserver
{
    public void Planned(int files, long totalBytes) { }

    public void Started(string relativePath, long size) { }

    public void Progressed(string relativePath, long bytesSoFar) { }

    public void Finished(string relativePath, string? error) { }
}
