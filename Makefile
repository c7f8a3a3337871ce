# i-Mentor e-guide: the command index. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/imentor.tar.gz
DATA := --data nlu_data
ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook
export ACTION_SERVER_URL
IMENTOR_TRACKER_DB ?= var/tracker.db
export IMENTOR_TRACKER_DB
# Rasa and TensorFlow are chatty; keep their logs to warnings unless asked.
export LOG_LEVEL ?= WARNING
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export RASA_TELEMETRY_ENABLED ?= false
export PYTHONWARNINGS ?= ignore

TRAINING_INPUTS := config.yml domain.yml $(shell find nlu_data bot/rasa_ext -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help install browser run telegram shell train test lint kb-lint check-translations validate \
        test-unit test-server test-conversations bench-nlu bench-latency bench-kb bench-channels \
        bench-matching bench-handoff lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  make %-20s %s\n", $$1, $$2}'

$(BIN)/.installed-ok: requirements.txt constraints.txt pyproject.toml scripts/setup.sh
	@scripts/setup.sh
	@touch $@

install: $(BIN)/.installed-ok ## Create .venv with Python 3.10 and the pinned dependencies

browser: ## Install Debian's chromium and chromium-driver (the widget's browser tests need them)
	@scripts/install-browser.sh

$(MODEL): $(TRAINING_INPUTS) | $(BIN)/.installed-ok
	@mkdir -p models
	$(RASA) train $(DATA) --domain domain.yml --config config.yml --out models \
	  --fixed-model-name imentor
	@touch $@

train: $(MODEL) ## Train the model (only when training data, domain or config changed)

run: $(MODEL) ## Set up if needed, train if needed, serve on 127.0.0.1:5005 (Ctrl-C stops)
	@scripts/run.sh

telegram: $(MODEL) ## Try Telegram without a public URL: serve, and poll Telegram (TELEGRAM_TOKEN, TELEGRAM_SECRET_TOKEN)
	@TELEGRAM_POLL=1 scripts/run.sh

shell: $(MODEL) ## Chat with the assistant in this terminal
	@mkdir -p var
	@source scripts/local-secret.sh; SANIC_HOST=127.0.0.1 $(RASA) run actions --actions actions --quiet & \
	  trap "kill $$! 2>/dev/null" EXIT; \
	  $(RASA) shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1

check-translations: install ## Fail on a missing translation or mismatched placeholders
	@$(BIN)/imentor check-translations

kb-lint: install ## Check every knowledge-base article (schema, languages, sources, reviews)
	@$(BIN)/imentor kb-lint

lint: install ## ruff on the code
	@$(BIN)/ruff check bot channels actions tests bench
	@$(BIN)/ruff format --check bot channels actions tests bench

validate: install ## rasa data validate (domain, rules, stories, NLU data)
	@scripts/validate.sh

test-unit: install ## Unit tests (no server)
	$(BIN)/pytest -m "not server" -q

test-server: $(MODEL) browser ## End-to-end tests: real Rasa and action servers, fake messengers, Chromium
	$(BIN)/pytest -m server -q

test-conversations: $(MODEL) ## Conversation tests: rasa test with --fail-on-prediction-errors
	$(RASA) test core --model $(MODEL) --stories tests/conversations --endpoints endpoints.yml \
	  --fail-on-prediction-errors --out results/conversations

test: check-translations kb-lint lint validate test-unit test-server test-conversations ## Everything CI runs

bench-nlu: $(MODEL) ## Held-out intent accuracy/macro-F1 and language-ID accuracy per language
	$(BIN)/python -m bench.bench_nlu --model $(MODEL) --out bench/results/nlu.json

bench-latency: $(MODEL) ## Latency, throughput, memory, training and start-up time over REST
	$(BIN)/python -m bench.bench_latency --out bench/results/latency.json

bench-kb: $(MODEL) ## Knowledge base: top-1/top-3, decline rate per language; retrieval and REST turn times
	$(BIN)/python -m bench.bench_kb --out bench/results/kb.json

bench-channels: $(MODEL) ## Webhook acknowledgement under 200 deliveries at once; reply latency per channel
	$(BIN)/python -m bench.bench_channels --out bench/results/channels.json

bench-matching: install ## Matching a mentee among 10,000 mentors (ranking time, directory reload)
	$(BIN)/python -m bench.bench_matching --out bench/results/matching.json

bench-handoff: $(MODEL) ## The mentor relay: latency each way between WhatsApp and Telegram through the assistant
	$(BIN)/python -m bench.bench_handoff --out bench/results/handoff.json

lock: ## Re-pin constraints.txt from the current .venv
	@{ echo '# Every package pinned: regenerate with `make lock` after changing requirements.txt.'; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -v -E '^(imentor|pip==)'; } > constraints.txt

clean: ## Remove models, results and local databases (keeps .venv)
	rm -rf models results bench/results var .rasa
