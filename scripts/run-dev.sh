#!/usr/bin/env bash
# make run: a local nats-server with auth callout and the service on embedded
# defaults, with the dev sign-in. Ctrl-C stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
nats_server=$(bash scripts/nats-server.sh)
keys=var/dev-keys
made=$(bin/saml2nats keys init "$keys")
export SAML2NATS_ISSUER_PUBLIC=$(printf '%s\n' "$made" | awk '/issuer:/ {print $2}')
export SAML2NATS_XKEY_PUBLIC=$(printf '%s\n' "$made" | awk '/xkey:/ {print $2}')
export SAML2NATS_NATS_PASSWORD=$(cat "$keys/nats-password")
export SAML2NATS_SYSTEM_PASSWORD=$(cat "$keys/sys-password")

mkdir -p var
"$nats_server" -c nats-server.conf -a 127.0.0.1 > var/nats-server.log 2>&1 &
nats_pid=$!
trap 'kill $nats_pid 2>/dev/null; wait $nats_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/4222) 2>/dev/null && break; sleep 0.1; done
unset SAML2NATS_NATS_PASSWORD SAML2NATS_SYSTEM_PASSWORD  # the service reads them from their files

cat <<MSG

  nats-server (auth callout) on nats://127.0.0.1:4222, log in var/nats-server.log
  saml2nats on http://localhost:8080

  1. Open http://localhost:8080, choose "Development sign-in", pick Alice Developer
     (bob: operators, carol: auditors, dave: no NATS access) and press Continue.
  2. Copy the token the page shows, then:
       nats --server nats://127.0.0.1:4222 --token <token> sub 'dev.>'
       nats --server nats://127.0.0.1:4222 --token <token> pub dev.hello hi
     or from a terminal (writes the NATS context "saml2nats"):
       bin/saml2nats login --url http://localhost:8080        (add --device without a browser)
       nats --context saml2nats sub 'dev.>'
  3. Sign out (page button or bin/saml2nats logout): live connections are closed at once.
  Metrics: http://localhost:8080/metrics   Ready: http://localhost:8080/readyz

MSG
bin/saml2nats serve --config config/saml2nats.yaml
