"""Jobs: the queue protocol, its SQLite implementation, the worker and the callers' client."""

# The queue implementations a deployment may choose (``[engine] queue``); each passes
# tests/engine/jobs/test_queue.py.
QUEUES = ("sqlite",)
