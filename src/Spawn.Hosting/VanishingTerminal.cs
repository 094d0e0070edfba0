using System.Text;

namespace Spawn.Hosting;

/// <summary>
/// Standard output or error that may be a terminal the user closes while the queue runs: from then on every write
/// fails (EIO). A run must go on stopping its job and saving its state regardless, so a failed write is dropped here,
/// and so is everything written after it, instead of becoming a crash.
/// </summary>
public sealed class VanishingTerminal(TextWriter inner) : TextWriter
{
    private volatile bool _gone;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Wraps the process's standard output and error; done first thing, before anything writes to them.</summary>
    public static void Install()
    {
        Console.SetOut(new VanishingTerminal(Console.Out));
        Console.SetError(new VanishingTerminal(Console.Error));
    }

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void Write(char[] buffer, int index, int count) => Try(() => inner.Write(buffer, index, count));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        if (_gone)
        {
            return;
        }

        try
        {
            write();
        }
        catch (IOException)
        {
            _gone = true;
        }
    }
}
