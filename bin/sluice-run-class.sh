#!/usr/bin/env bash
# Runs a Sluice main class with the admin-cli classpath from the build (run `mvn -B -q install -DskipTests` first).
# Usage: bin/sluice-run-class.sh CLASS [ARGS...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP_FILE="$ROOT/admin-cli/target/classpath.txt"
JAR="$(ls "$ROOT"/admin-cli/target/sluice-admin-cli-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)"
if [[ ! -f "$CP_FILE" || -z "$JAR" ]]; then
  echo "Sluice is not built yet: run 'mvn -B -q install -DskipTests' in $ROOT first." >&2
  exit 1
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" ${SLUICE_OPTS:-} -Dlog4j2.configurationFile="$ROOT/config/log4j2.xml" -cp "$JAR:$(cat "$CP_FILE")" "$@"
