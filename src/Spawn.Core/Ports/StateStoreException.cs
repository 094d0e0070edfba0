namespace Spawn.Core.Ports;

/// <summary>The state exists but cannot be used (does not parse, or is another queue's). Never answered by a fresh start.</summary>
public sealed class StateStoreException(string message, Exception? inner = null) : Exception(message, inner);
