"""Speech out: text rules, the engines (embedded, XTTS) and rendering to files."""
