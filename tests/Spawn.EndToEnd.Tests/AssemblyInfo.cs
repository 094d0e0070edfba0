// The tests time real processes, waits and signals: run them one at a time so they do not slow each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
