#!/usr/bin/env bash
# Sourced by run.sh and `make shell`: the embedded default needs a stable IMENTOR_SECRET_KEY
# (her pseudonymous key and signed buttons must survive a restart, or a paused survey could not
# be resumed). When the environment has none, one is made once in var/secret_key (mode 600,
# never committed: var/ is ignored) and exported. Production sets IMENTOR_SECRET_KEY itself.
if [ -z "${IMENTOR_SECRET_KEY:-}" ]; then
  mkdir -p var
  if [ ! -s var/secret_key ]; then
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > var/secret_key)
  fi
  IMENTOR_SECRET_KEY=$(cat var/secret_key)
  export IMENTOR_SECRET_KEY
fi
