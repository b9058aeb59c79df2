"""Where every file of a run lives: the one definition of the results layout.

    <root>/<dataset>/row_index.parquet, reference_check.parquet
    <root>/<dataset>/<model>/generations/batch_<s#####_p###>.parquet      one per batch
    <root>/<dataset>/<model>/rewards/batch_<s#####_p###>.parquet          one per batch (placeholders: zero rows)
    <root>/<dataset>/<model>/pass_rates.parquet, idx_to_passrate.json, progress/<job>.json
    <root>/<dataset>/annotated.parquet, filtered.parquet, filter_summary.json, filter_decisions.parquet, report/
    <root>/combined/<model>/, <model>_combined.json                       the report over all datasets
    <root>/.cache/                                                        resume cache, sample store, intact batches
    <root>/.gpu_locks/                                                    one lock file per local GPU

Every method returns a string, so the same call builds a concrete path or a Snakemake pattern
(`Layout(root).reward("{dataset}", "{model}", "s{shard}_p{part}")`).
"""

from __future__ import annotations

from dataclasses import dataclass

GENERATIONS, REWARDS, PROGRESS = "generations", "rewards", "progress"
BATCH_GLOB = "batch_*.parquet"
PASS_RATES, IDX_MAP = "pass_rates.parquet", "idx_to_passrate.json"


def batch_file(batch: str) -> str:
    """The file name of batch `batch` (e.g. s00001_p002) in a generations or rewards folder."""
    return f"batch_{batch}.parquet"


@dataclass(frozen=True)
class Layout:
    root: str

    def dataset_dir(self, dataset: str) -> str:
        return f"{self.root}/{dataset}"

    def model_dir(self, dataset: str, model: str) -> str:
        return f"{self.root}/{dataset}/{model}"

    # -- per dataset
    def row_index(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/row_index.parquet"

    def reference_check(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/reference_check.parquet"

    def annotated(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/annotated.parquet"

    def filtered(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/filtered.parquet"

    def filter_summary(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/filter_summary.json"

    def filter_decisions(self, dataset: str) -> str:
        return f"{self.dataset_dir(dataset)}/filter_decisions.parquet"

    def report(self, dataset: str, name: str = "") -> str:
        return f"{self.dataset_dir(dataset)}/report/{name}".rstrip("/")

    def combined_report(self, model: str, name: str = "") -> str:
        return f"{self.root}/combined/{model}/{name}".rstrip("/")

    def combined_map(self, model: str) -> str:
        """The original's combined `{id: pass rate}` map of one model over every dataset."""
        return f"{self.root}/combined/{model}_combined.json"

    # -- per dataset x model
    def generations_dir(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/{GENERATIONS}"

    def generation(self, dataset: str, model: str, batch: str) -> str:
        return f"{self.generations_dir(dataset, model)}/{batch_file(batch)}"

    def rewards_dir(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/{REWARDS}"

    def reward(self, dataset: str, model: str, batch: str) -> str:
        return f"{self.rewards_dir(dataset, model)}/{batch_file(batch)}"

    def pass_rates(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/{PASS_RATES}"

    def idx_map(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/{IDX_MAP}"

    def imported_generations(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/imported_generations.parquet"

    def progress_dir(self, dataset: str, model: str) -> str:
        return f"{self.model_dir(dataset, model)}/{PROGRESS}"

    def progress_record(self, dataset: str, model: str, job: str) -> str:
        """The record of job `job` (e.g. `generate_s00000`)."""
        return f"{self.progress_dir(dataset, model)}/{job}.json"

    # -- bookkeeping
    def generation_cache(self, dataset: str, model: str) -> str:
        """Finished batches of unfinished generate shards (the resume cache)."""
        return f"{self.root}/.cache/generations/{dataset}/{model}"

    def sample_store(self, dataset: str, model: str) -> str:
        """Every sample drawn, kept across reruns of generate (generation/sample_store.py)."""
        return f"{self.root}/.cache/samples/{dataset}/{model}"

    def intact_batches(self) -> str:
        """Batch files last found intact, so a repair scan reads only changed footers."""
        return f"{self.root}/.cache/intact_batches.json"

    def gpu_locks(self) -> str:
        return f"{self.root}/.gpu_locks"
