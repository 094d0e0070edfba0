namespace Spawn.Core.Validation;

/// <summary>A dependency cycle: job indices starting and ending at the earliest job of the cycle in the file.</summary>
public sealed record DependencyCycle(IReadOnlyList<int> Jobs, DependencyReference Closing);

/// <summary>
/// Finds dependency cycles with an iterative depth-first search (no recursion: a 100,000-job chain must not
/// overflow the stack). Each back edge yields one cycle, so no cycle is reported twice.
/// </summary>
public static class CycleFinder
{
    private const byte Unvisited = 0, OnPath = 1, Done = 2;

    /// <param name="edges">Per job index, the jobs it depends on.</param>
    public static IReadOnlyList<DependencyCycle> Find(Edge[][] edges)
    {
        var cycles = new List<DependencyCycle>();
        var state = new byte[edges.Length];
        var positionOnPath = new int[edges.Length];

        // The current path: nodes, the next edge each will try, and the edge taken out of each.
        var path = new List<int>();
        var nextEdge = new List<int>();
        var taken = new List<DependencyReference?>();

        for (var root = 0; root < edges.Length; root++)
        {
            if (state[root] != Unvisited)
            {
                continue;
            }

            Push(root);
            while (path.Count > 0)
            {
                var top = path.Count - 1;
                var node = path[top];
                if (nextEdge[top] == edges[node].Length)
                {
                    state[node] = Done;
                    path.RemoveAt(top);
                    nextEdge.RemoveAt(top);
                    taken.RemoveAt(top);
                    continue;
                }

                var edge = edges[node][nextEdge[top]++];
                taken[top] = edge.Reference;
                if (state[edge.Target] == Unvisited)
                {
                    Push(edge.Target);
                }
                else if (state[edge.Target] == OnPath)
                {
                    cycles.Add(Cycle(positionOnPath[edge.Target]));
                }
            }
        }

        return cycles;

        void Push(int node)
        {
            state[node] = OnPath;
            positionOnPath[node] = path.Count;
            path.Add(node);
            nextEdge.Add(0);
            taken.Add(null);
        }

        // The path from `start` to the top, closed by the edge just taken; rotated to begin at the earliest job.
        DependencyCycle Cycle(int start)
        {
            var length = path.Count - start;
            var earliest = start;
            for (var i = start; i < path.Count; i++)
            {
                if (path[i] < path[earliest])
                {
                    earliest = i;
                }
            }

            var jobs = new List<int>(length + 1);
            for (var k = 0; k <= length; k++)
            {
                jobs.Add(path[start + (earliest - start + k) % length]);
            }

            // The edge into the earliest job comes from the one before it on the cycle.
            var closing = taken[start + (earliest - start + length - 1) % length]!;
            return new DependencyCycle(jobs, closing);
        }
    }
}
