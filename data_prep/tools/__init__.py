"""One-shot maintenance scripts that (re)build the knowledge files in `data_prep/data/`."""
