namespace Spawn.Execution;
