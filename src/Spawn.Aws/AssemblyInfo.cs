namespace Spawn.Aws;
