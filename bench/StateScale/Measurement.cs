namespace StateScale;

/// <summary>Per-event times of one run, in microseconds.</summary>
internal sealed record Measurement(string Name, int Jobs, IReadOnlyList<double> Micros)
{
    public double Median => Percentile(0.5);

    public double P90 => Percentile(0.9);

    /// <summary>Everything included, the occasional compaction too: what a whole queue run pays per event.</summary>
    public double Mean => Micros.Average();

    public double Max => Micros.Max();

    private double Percentile(double p)
    {
        var sorted = Micros.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
    }
}
