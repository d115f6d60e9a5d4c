# The two commands a newcomer needs (see README.md):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run every test (unit tests + every notebook)
# Both are idempotent: the environment is rebuilt only when pyproject.toml changes.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
KERNEL := edge-ml-workbook
STAMP  := $(VENV)/.edgebook-installed

.PHONY: lab test unit notebooks workbooks setup workshop-kit check-python clean

# JupyterLab refuses to run as root unless told to (containers, cloud VMs).
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(AS_ROOT) --ServerApp.root_dir="$(CURDIR)" notebooks/00_welcome_and_setup_check.ipynb

test: $(STAMP)
	$(PY) -m edgebook.workbook check
	$(PY) -m pytest -p edgebook.pytest_plugin tests solutions notebooks --nbval-lax --nbval-cell-timeout=600 -q -rs

# Faster loops while writing: only the unit tests, or only the notebooks.
unit: $(STAMP)
	$(PY) -m pytest tests -q

notebooks: $(STAMP)
	$(PY) -m pytest -p edgebook.pytest_plugin solutions notebooks --nbval-lax --nbval-cell-timeout=600 -q

# Only set up the environment (the workshop kit's install.sh runs this, with pip offline).
setup: $(STAMP)

# An offline workshop kit for USB sticks: wheels, the course and install.sh (see INSTRUCTORS.md).
KIT ?= build/workshop-kit
workshop-kit: $(STAMP)
	$(PY) -m edgebook.workshop build --out "$(KIT)"

# Regenerate notebooks/ (and the generated parts of solutions/ and README.md).
workbooks: $(STAMP)
	$(PY) -m edgebook.workbook build

$(STAMP): pyproject.toml | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --editable ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Edge ML Workbook (Python 3.11)" >/dev/null
	$(PY) -m edgebook.kernel_websocket install >/dev/null  # "Restart kernel and run all" never hangs
	touch $(STAMP)

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "The course needs Python 3.11 as '$(PYTHON)' (or run: make PYTHON=/path/to/python3.11 ...)."; exit 1; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null || { echo "'$(PYTHON)' is not Python 3.11; pass one with make PYTHON=/path/to/python3.11"; exit 1; }

clean:
	rm -rf build
