"""Jobs: the queue protocol, its implementations (SQLite; PostgreSQL brokered by Procrastinate), the
worker and the callers' client."""

# The queue implementations a deployment may choose (``[engine] queue``); each passes
# tests/engine/jobs/test_queue.py.
QUEUES = ("sqlite", "postgresql")
