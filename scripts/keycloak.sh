#!/usr/bin/env bash
# Prints the home of a Keycloak distribution for the end-to-end tests, fetching it once
# from Maven Central (org.keycloak:keycloak-quarkus-dist, zip) into git-ignored tools/.
# 25.0.6 is the newest Keycloak that runs on Java 17 (26.x needs 21), so the JDK a
# Debian 12 has is enough; KEYCLOAK_VERSION picks another (then set KEYCLOAK_JAVA_HOME).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=${KEYCLOAK_VERSION:-25.0.6}
home="$root/tools/keycloak-$version"
if [ -x "$home/bin/kc.sh" ]; then echo "$home"; exit 0; fi
mkdir -p "$root/tools"
echo "keycloak.sh: fetching Keycloak $version through Maven (one time, ~200 MB)" >&2
mvn -q -B -ntp dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" \
    -DoutputDirectory="$root/tools" -Dmdep.stripVersion=false >&2
rm -rf "$home.tmp" && mkdir -p "$home.tmp"
unzip -q "$root/tools/keycloak-quarkus-dist-$version.zip" -d "$home.tmp"
mv "$home.tmp"/keycloak-* "$home"
rm -rf "$home.tmp" "$root/tools/keycloak-quarkus-dist-$version.zip"
echo "$home"
