using CsCheck;
using Spawn.Core.Model;
using Spawn.Core.Scheduling;

namespace Spawn.Core.Tests.Scheduling;

public sealed class SlotPoolTests
{
    private static JobDefinition Job(string id, int? cpus = null, int? gpus = null) => Queues.Job(id) with { Cpus = cpus, Gpus = gpus };

    [Fact]
    public void Jobs_without_cpus_or_gpus_count_only_toward_max_parallel()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 1, gpus: 0), maxParallel: 3);

        var taken = new[] { pool.TryTake(Job("a")), pool.TryTake(Job("b")), pool.TryTake(Job("c")) };

        Assert.All(taken, Assert.NotNull);
        Assert.All(taken, a => Assert.Equal((0, 0), (a!.Cpus, a.GpuIds.Count)));
        Assert.Equal(1, pool.FreeCpus);
        Assert.Null(pool.TryTake(Job("d")));
    }

    [Fact]
    public void Max_parallel_one_runs_one_job_at_a_time_however_big_the_machine()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 96, gpus: 8), maxParallel: 1);

        var first = pool.TryTake(Job("a", gpus: 1))!;

        Assert.Null(pool.TryTake(Job("b")));
        pool.Release(first);
        Assert.NotNull(pool.TryTake(Job("b")));
    }

    [Fact]
    public void An_adopted_job_keeps_the_gpus_it_was_given_and_new_jobs_get_the_others()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 8, gpus: 4), maxParallel: 2);

        // The earlier agent gave b devices 2 and 3 (a, on 0 and 1, has ended since).
        var adopted = pool.Adopt(Job("b", gpus: 2), ["2", "3"]);
        var next = pool.TryTake(Job("c", gpus: 2))!;

        Assert.Equal(["2", "3"], adopted.GpuIds);
        Assert.Equal(["0", "1"], next.GpuIds);
        Assert.Null(pool.TryTake(Job("d")));
    }

    [Fact]
    public void An_adopted_job_counts_even_beyond_max_parallel_and_new_jobs_wait_until_it_ends()
    {
        // Resumed with a lower --parallel than the run that started them: both still run.
        var pool = new SlotPool(MachineCapacity.Of(cpus: 4, gpus: 2), maxParallel: 1);

        var first = pool.Adopt(Job("a", cpus: 3, gpus: 1), ["1"]);
        var second = pool.Adopt(Job("b", cpus: 3, gpus: 1), null);

        Assert.Equal(["1"], first.GpuIds);
        Assert.Equal(["0"], second.GpuIds);
        Assert.Equal(-2, pool.FreeCpus);
        Assert.Null(pool.TryTake(Job("c")));
        pool.Release(first);
        Assert.Null(pool.TryTake(Job("c")));
        pool.Release(second);
        Assert.NotNull(pool.TryTake(Job("c", cpus: 4, gpus: 2)));
    }

    [Fact]
    public void Gpus_are_handed_out_lowest_first_and_never_to_two_jobs()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 8, gpus: 4), maxParallel: 4);

        var a = pool.TryTake(Job("a", gpus: 1))!;
        var b = pool.TryTake(Job("b", gpus: 2))!;

        Assert.Equal(["0"], a.GpuIds);
        Assert.Equal(["1", "2"], b.GpuIds);
        Assert.Null(pool.TryTake(Job("c", gpus: 2)));
        Assert.Equal(1, pool.FreeGpus);
    }

    [Fact]
    public void A_released_gpu_is_the_next_one_handed_out()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 8, gpus: 3), maxParallel: 3);
        var a = pool.TryTake(Job("a", gpus: 1))!;
        pool.TryTake(Job("b", gpus: 1));
        pool.TryTake(Job("c", gpus: 1));

        pool.Release(a);

        Assert.Equal(["0"], pool.TryTake(Job("d", gpus: 1))!.GpuIds);
    }

    [Fact]
    public void Cpus_limit_what_runs_beside_each_other()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 8, gpus: 0), maxParallel: 8);

        var a = pool.TryTake(Job("a", cpus: 6))!;

        Assert.Null(pool.TryTake(Job("b", cpus: 4)));
        Assert.NotNull(pool.TryTake(Job("c", cpus: 2)));
        Assert.Equal(0, pool.FreeCpus);
        pool.Release(a);
        Assert.Equal(6, pool.FreeCpus);
        Assert.NotNull(pool.TryTake(Job("b", cpus: 4)));
    }

    [Fact]
    public void A_job_that_does_not_fit_now_takes_nothing()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 4, gpus: 2), maxParallel: 4);
        pool.TryTake(Job("a", gpus: 1));

        Assert.Null(pool.TryTake(Job("b", cpus: 2, gpus: 2)));

        Assert.Equal((4, 1, 1), (pool.FreeCpus, pool.FreeGpus, pool.Running));
    }

    [Fact]
    public void Gpus_zero_takes_no_gpu()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 2, gpus: 1), maxParallel: 2);

        Assert.Empty(pool.TryTake(Job("a", gpus: 0))!.GpuIds);
        Assert.Equal(["0"], pool.TryTake(Job("b", gpus: 1))!.GpuIds);
    }

    [Fact]
    public void The_machines_own_gpu_names_are_handed_out_as_they_are()
    {
        var pool = new SlotPool(new MachineCapacity(4, ["2", "3"]), maxParallel: 2);

        Assert.Equal(["2"], pool.TryTake(Job("a", gpus: 1))!.GpuIds);
        Assert.Equal(["3"], pool.TryTake(Job("b", gpus: 1))!.GpuIds);
    }

    [Fact]
    public void A_job_bigger_than_the_machine_is_a_bug_not_a_wait()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 2, gpus: 1), maxParallel: 2);

        Assert.False(pool.CanEverRun(Job("big", gpus: 2)));
        var e = Assert.Throws<InvalidOperationException>(() => pool.TryTake(Job("big", gpus: 2)));
        Assert.Contains("\"big\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Releasing_twice_is_refused()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 2, gpus: 1), maxParallel: 2);
        var a = pool.TryTake(Job("a", cpus: 1, gpus: 1))!;
        pool.Release(a);

        Assert.Throws<InvalidOperationException>(() => pool.Release(a));
        Assert.Equal((2, 1, 0), (pool.FreeCpus, pool.FreeGpus, pool.Running));
    }

    [Fact]
    public void An_equal_allocation_from_elsewhere_is_not_released()
    {
        var pool = new SlotPool(MachineCapacity.Of(cpus: 2, gpus: 1), maxParallel: 2);
        pool.TryTake(Job("a", gpus: 1));

        Assert.Throws<InvalidOperationException>(() => pool.Release(new SlotAllocation("a", 0, ["0"])));
    }

    [Fact]
    public void Max_parallel_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotPool(MachineCapacity.Of(cpus: 2, gpus: 0), maxParallel: 0));
    }

    /// <summary>Any mix of jobs, taken and released in any order: no limit is ever passed, no GPU is held twice, and all comes back.</summary>
    [Fact]
    public void Random_takes_and_releases_never_exceed_a_limit_or_share_a_gpu()
    {
        var machine = Gen.Select(Gen.Int[1, 16], Gen.Int[0, 8], Gen.Int[1, 6], (cpus, gpus, parallel) => (cpus, gpus, parallel));
        var steps = Gen.Select(Gen.Bool, Gen.Int[-1, 17], Gen.Int[-1, 9], Gen.Int[0, 100], (take, cpus, gpus, pick) => (take, cpus, gpus, pick)).Array[1, 60];
        Gen.Select(machine, steps).Sample((m, plan) =>
        {
            var capacity = MachineCapacity.Of(m.cpus, m.gpus);
            var pool = new SlotPool(capacity, m.parallel);
            var held = new List<SlotAllocation>();
            var n = 0;
            foreach (var step in plan)
            {
                // -1: the field is absent; cpus 0 is not a valid file, so it stands for absent too.
                var job = Job($"j{n++}", step.cpus <= 0 ? null : step.cpus, step.gpus < 0 ? null : step.gpus);
                if (step.take && pool.CanEverRun(job))
                {
                    var free = (pool.FreeCpus, pool.FreeGpus, pool.Running);
                    if (pool.TryTake(job) is { } taken)
                    {
                        Assert.Equal((job.Cpus ?? 0, job.Gpus ?? 0), (taken.Cpus, taken.GpuIds.Count));
                        held.Add(taken);
                    }
                    else
                    {
                        Assert.True(free.Running == m.parallel || (job.Cpus ?? 0) > free.FreeCpus || (job.Gpus ?? 0) > free.FreeGpus, "refused a job that fit");
                        Assert.Equal(free, (pool.FreeCpus, pool.FreeGpus, pool.Running));
                    }
                }
                else if (held.Count > 0)
                {
                    var release = held[step.pick % held.Count];
                    held.Remove(release);
                    pool.Release(release);
                }

                var gpusHeld = held.SelectMany(a => a.GpuIds).ToList();
                Assert.Equal(gpusHeld.Count, gpusHeld.Distinct().Count());
                Assert.All(gpusHeld, id => Assert.Contains(id, capacity.Gpus));
                Assert.InRange(held.Count, 0, m.parallel);
                Assert.InRange(held.Sum(a => a.Cpus), 0, m.cpus);
                Assert.Equal(m.cpus - held.Sum(a => a.Cpus), pool.FreeCpus);
                Assert.Equal(m.gpus - gpusHeld.Count, pool.FreeGpus);
            }

            held.ForEach(pool.Release);
            Assert.Equal((m.cpus, m.gpus, 0), (pool.FreeCpus, pool.FreeGpus, pool.Running));
        });
    }
}
