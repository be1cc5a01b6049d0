"""Voice engines behind one protocol (``base.VoiceBackend``)."""
