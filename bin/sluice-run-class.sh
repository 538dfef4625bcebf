#!/usr/bin/env bash
# Runs a Sluice main class from the build. Usage: bin/sluice-run-class.sh [--module core|admin-cli] CLASS [ARGS...]
# Build first with: mvn -B -q install -DskipTests   (run from the project folder)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE=admin-cli
LOG_CONFIG="$ROOT/config/tools-log4j2.properties"
if [[ "${1:-}" == "--module" ]]; then
  MODULE="$2"
  shift 2
fi
if [[ "$MODULE" == "core" ]]; then
  LOG_CONFIG="${SLUICE_LOG4J_CONFIG:-$ROOT/config/log4j2.properties}"
fi
CP_FILE="$ROOT/$MODULE/target/classpath.txt"
JAR="$(ls "$ROOT/$MODULE"/target/sluice-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)"
if [[ ! -f "$CP_FILE" || -z "$JAR" ]]; then
  echo "Sluice is not built yet: run 'mvn -B -q install -DskipTests' in $ROOT first." >&2
  exit 1
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" ${SLUICE_HEAP_OPTS:-} ${SLUICE_OPTS:-} -Dlog4j2.configurationFile="$LOG_CONFIG" \
  -Dsluice.logs.dir="${SLUICE_LOGS_DIR:-$ROOT/logs}" -cp "$JAR:$(cat "$CP_FILE")" "$@"
