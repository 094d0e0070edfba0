using Spawn.Core.State;

namespace Spawn.Core.Tests.State;

public sealed class JobStateTableTests
{
    [Fact]
    public void A_snapshot_keeps_the_states_it_was_taken_with_while_the_table_changes()
    {
        var table = Filled(200);
        var before = table.Snapshot();

        table[5] = table[5] with { Status = JobStatus.Running };
        table[130] = table[130] with { Attempt = 2 };
        var after = table.Snapshot();

        Assert.Equal(JobStatus.Pending, before[5].Status);
        Assert.Equal(0, before[130].Attempt);
        Assert.Equal(JobStatus.Running, after[5].Status);
        Assert.Equal(2, after[130].Attempt);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"job{i}"), after.Select(j => j.JobId));
    }

    [Fact]
    public void ChangedSince_names_exactly_the_positions_that_differ_across_blocks()
    {
        var table = Filled(JobStateTable.BlockSize * 3 + 7);
        var before = table.Snapshot();
        foreach (var i in new[] { 0, 63, 64, 198 })
        {
            table[i] = table[i] with { Status = JobStatus.Completed };
        }

        table[100] = table[100] with { }; // an equal copy is no change

        Assert.Equal([0, 63, 64, 198], table.Snapshot().ChangedSince(before));
    }

    private static JobStateTable Filled(int count)
    {
        var table = new JobStateTable(count);
        for (var i = 0; i < count; i++)
        {
            table[i] = JobState.NotStarted($"job{i}");
        }

        return table;
    }
}
