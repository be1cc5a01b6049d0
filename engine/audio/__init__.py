"""Audio in: decoding uploads, speech detection, cleaning, measurements, speaker embeddings, the
analysis of a set and the tiers."""
