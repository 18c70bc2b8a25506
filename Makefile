# Two commands do everything on a fresh machine:
#   make book   create .venv, install, build the book on the bundled data (or DATA=dir PARAMS=file.yaml;
#               JOBS=N chapters at a time, default one per core)
#   make pdf    the same build, plus the book as one PDF (needs texlive from apt: see README; exit 4 without it)
#   make test   same environment, run the whole test suite (make test-fast: the unit layer only)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   ?=
PARAMS ?=
JOBS   ?=
OUT    ?= _build

.PHONY: book pdf test test-fast deps clean

# Let Python cache compiled modules in .venv (some environments set PYTHONDONTWRITEBYTECODE=1,
# which made every chapter's kernel compile pandas, matplotlib and pyfixest again).
unexport PYTHONDONTWRITEBYTECODE

deps: $(VENV)/.installed

# uv installs the same pinned requirements about three times faster than pip
# (the uv module of $(PYTHON), else a uv on PATH, else uv installed with pip);
# pip is the fallback when none can be had. No bytecode is compiled at
# install time (uv's --compile-bytecode compiles all 1.3 GB: 38 s here); instead
# the recipes below may write it (PYTHONDONTWRITEBYTECODE is unexported), so the
# first kernel compiles only the modules the book imports (about 9 s, once) and
# every later process reuses them.
$(VENV)/.installed: requirements.txt pyproject.toml
	@UV=; if $(PYTHON) -m uv --version >/dev/null 2>&1; then UV="$(PYTHON) -m uv"; \
	elif command -v uv >/dev/null 2>&1; then UV=uv; \
	elif $(PYTHON) -m pip install --quiet uv 2>/dev/null && $(PYTHON) -m uv --version >/dev/null 2>&1; then \
	  UV="$(PYTHON) -m uv"; fi; \
	if [ -n "$$UV" ]; then \
	  $$UV venv --quiet --python $(PYTHON) $(VENV) && \
	  $$UV pip install --quiet --python $(PY) -r requirements.txt && \
	  $$UV pip install --quiet --python $(PY) --no-deps -e . ; \
	else \
	  $(PYTHON) -m venv $(VENV) && \
	  $(PY) -m pip install --quiet --upgrade pip && \
	  $(PY) -m pip install --quiet -r requirements.txt && \
	  $(PY) -m pip install --quiet --no-deps -e . ; \
	fi
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

RUN_ARGS = $(if $(DATA),--data $(DATA)) $(if $(PARAMS),--params $(PARAMS)) $(if $(JOBS),--jobs $(JOBS)) --out $(OUT)

book: deps
	$(PY) -m analysis run $(RUN_ARGS)

# After make book only the HTML and the LaTeX are built again (chapters come from the cache);
# the PDF is $(OUT)/html/genai-freelance-book.pdf, linked from the front page and appendix D.
pdf: deps
	$(PY) -m analysis run $(RUN_ARGS) --pdf

test: deps
	$(PY) -m pytest -n 2 --dist loadgroup --no-loadscope-reorder

# The unit layer only (no book builds, no Spark, no browser): under 90 s on 2 cores.
test-fast: deps
	$(PY) -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -m "not slow and not spark and not browser"

clean:
	rm -rf $(OUT) .pytest_cache
