"""Jobs: the queue protocol, its SQLite implementation, the worker and the callers' client."""
