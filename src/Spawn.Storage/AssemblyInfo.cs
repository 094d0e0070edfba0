namespace Spawn.Storage;
