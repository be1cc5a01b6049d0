"""Voice engines behind one protocol (``base.VoiceBackend``)."""

# The engines a voice can use (each backend's ``name``); one that cannot run on a worker falls back
# to the embedded one, with a note.
ENGINES = ("embedded", "xtts")
