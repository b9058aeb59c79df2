"""Dataset preparation (the original's `run_sample_and_postprocess.py`, fixed): domain patches, prompt-length
filter, proportional (or difficulty-bucket) sampling across input files, original-style output names."""
