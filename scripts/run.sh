#!/usr/bin/env bash
# Starts the action server and the Rasa server on 127.0.0.1; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${IMENTOR_HOST:-127.0.0.1}
PORT=${IMENTOR_PORT:-5005}
ACTIONS_PORT=${IMENTOR_ACTIONS_PORT:-5055}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
export SANIC_HOST=$HOST
# Rasa listens with a backlog of 100 connections; messengers open many at once under load
export SANIC_BACKLOG=${SANIC_BACKLOG:-1024}
# Sanic builds an access-log record for every request even when nothing is logged
export SANIC_ACCESS_LOG=${SANIC_ACCESS_LOG:-False}
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
export IMENTOR_TRACKER_DB=${IMENTOR_TRACKER_DB:-var/tracker.db}
mkdir -p var
# shellcheck source=scripts/local-secret.sh
source scripts/local-secret.sh

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "i-Mentor stopped."
}
trap stop INT TERM EXIT

.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" --quiet &
pids+=($!)

api_flags=()
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then api_flags=(--enable-api --auth-token "$RASA_AUTH_TOKEN"); fi

.venv/bin/rasa run --model models/imentor.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --interface "$HOST" --port "$PORT" "${api_flags[@]}" &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS "http://$HOST:$PORT/webhooks/rest/" >/dev/null 2>&1; then
    cat <<MSG

  i-Mentor e-guide is running.
    Widget: http://$HOST:$PORT/widget/demo   (open it in a browser)
    REST:   curl -s http://$HOST:$PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
              -d '{"sender": "me", "message": "Hei! Voitko auttaa?"}'
    Shell:  make shell   (in another terminal; stop this one first, it uses the same port)
  Ctrl-C stops everything.

MSG
    if [ "${TELEGRAM_POLL:-}" = 1 ]; then
      # `make telegram`: fetch updates from Telegram and hand them to our own webhook
      .venv/bin/imentor telegram poll --server "http://$HOST:$PORT" &
      pids+=($!)
    fi
    break
  fi
  sleep 0.5
done
wait -n "${pids[@]}"
