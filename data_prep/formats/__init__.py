"""One reader per input format: each takes decoded text (or lines) and returns Articles and Rejects; io.py opens the files."""
