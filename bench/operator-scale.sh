#!/usr/bin/env bash
# The operator at scale: the real operator, in its own JVM, against the fabric8 mock API server
# (CRUD mode) holding POLICIES BackupPolicies in NAMESPACES namespaces, with a job runner that
# completes every Job at once. Not a test: it prints what it measured; the last line reads
#   policies=N namespaces=M ready_s=S requests_per_reconcile=Q rss_mib=R
#
#   bench/operator-scale.sh [POLICIES] [NAMESPACES]          (default 1000 100)
#   LIFEBOAT_SCALE_REST_SECONDS=30   how long the operator is watched at rest (default 300)
#   LIFEBOAT_SCALE_JAVA_OPTS=...     the operator's JVM options (default: the launcher's, dist/lifeboat,
#                                    under the chart's 512Mi limit)
#   LIFEBOAT_SCALE_SCHEDULE='*/5 * * * *'   one schedule for every policy (default: daily, spread)
#   LIFEBOAT_SCALE_BUILD=0           use the jars already built
#   LIFEBOAT_SCALE_INDEX=0           the mock API server as shipped (every request scans every object;
#                                    by default its objects are kept per kind and namespace)
set -euo pipefail
POLICIES=${1:-1000}
NAMESPACES=${2:-100}
REST=${LIFEBOAT_SCALE_REST_SECONDS:-300}
# MaxRAM stands in for the container's memory limit, which the JVM would read from its cgroup.
eval "$(grep '^operator_opts=' "$(dirname "$0")/../dist/lifeboat")"
JAVA_OPTS=${LIFEBOAT_SCALE_JAVA_OPTS:--XX:MaxRAM=512m $operator_opts}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
command -v java >/dev/null || { echo "operator-scale: java (17) is needed" >&2; exit 1; }
if [ "${LIFEBOAT_SCALE_BUILD:-1}" != 0 ]; then
  mvn -B -q -o -pl operator,sandbox package -DskipTests
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-scale.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(java -version 2>&1 | head -1)"
echo "operator JVM options: $JAVA_OPTS; rest window: ${REST} s"
# shellcheck disable=SC2086 # the JVM options are words
java -XX:+UseSerialGC -Xmx2g -cp sandbox/target/lifeboat-sandbox.jar dev.lifeboat.sandbox.ScaleBench \
  "$POLICIES" "$NAMESPACES" operator/target/lifeboat.jar "$WORK" "$REST" $JAVA_OPTS
