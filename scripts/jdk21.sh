#!/usr/bin/env bash
# Prints a JAVA_HOME with Java >= 21 (Keycloak needs it; the project itself targets 17).
set -euo pipefail
major() { "$1/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/'; }
for candidate in "${KEYCLOAK_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
  if [ "$(major "$candidate")" -ge 21 ] 2>/dev/null; then echo "$candidate"; exit 0; fi
done
echo "jdk21.sh: no JDK >= 21 found; install one (e.g. apt-get install openjdk-21-jdk-headless where available) or set KEYCLOAK_JAVA_HOME" >&2
exit 1
