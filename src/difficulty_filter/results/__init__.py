"""The results folder: where each file lives (paths), the batch plan, batch-file checks and progress records."""
