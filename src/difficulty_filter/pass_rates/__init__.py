"""The pass_rates stage: reward batches -> one row of pass-rate statistics per prompt and idx_to_passrate.json."""
