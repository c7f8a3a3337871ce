#!/usr/bin/env bash
# `rasa data validate`, failing on any warning except responses that actions utter (so no
# story or rule names them): the rephrase request, Rasa's core fallback message, the restart
# notice, the "did you mean …?" affirmation, the knowledge base's "type your question" and the
# privacy notice that action_my_data sends before her own data.
set -uo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false
allowed='utter_goodbye|utter_ask_rephrase|utter_default|utter_restart|utter_ask_affirmation|utter_ask_question_prompt|utter_privacy_info'
out=$(.venv/bin/rasa data validate --data nlu_data --domain domain.yml --config config.yml 2>&1)
status=$?
warnings=$(printf '%s\n' "$out" | grep -E 'UserWarning|WARNING|ERROR' \
  | grep -vE "The utterance '($allowed)' is not used in any story or rule" \
  | grep -vE 'DeprecationWarning|pkg_resources|declare_namespace')
if [ $status -ne 0 ] || [ -n "$warnings" ]; then
  printf '%s\n' "$out" | grep -vE 'DeprecationWarning|pkg_resources|declare_namespace'
  echo "validate: failed" >&2
  exit 1
fi
echo "validate: domain, rules, stories and NLU data are consistent"
