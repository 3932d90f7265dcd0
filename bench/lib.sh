# Setup shared by the bench scripts; sourced (after `set -euo pipefail`), never run. Defines ROOT (the
# checkout; the caller is left in it), WORK (temporary, removed on exit), the S3 endpoint and credentials,
# AWS (Debian's awscli), JAR and AGENT, and the functions below.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
PORT=${S3_PORT:-19000}
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
ENDPOINT=http://127.0.0.1:$PORT
AWS=/usr/bin/aws   # Debian's awscli; another, older aws may come first on PATH
JAR=$ROOT/operator/target/lifeboat.jar
AGENT=(env LIFEBOAT_JAR="$JAR" "$ROOT/dist/lifeboat" agent)   # what the Job runs: the launcher and its JVM settings
# S3PID only once S3Proxy started: `kill 0` would signal the whole process group, the caller's included
trap '[ -z "${S3PID:-}" ] || kill "$S3PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }

# bench_install COMMAND=PACKAGE...: installs from Debian the packages whose command is missing
bench_install() {
  local missing=() pair
  for pair in "$@"; do need "${pair%%=*}" || missing+=("${pair#*=}"); done
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing ${missing[*]} from Debian" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
}

# bench_build: the shaded jar (kept as it is with BENCH_SKIP_BUILD=1) and its class-data-sharing
# archive, and S3Proxy's classpath in
# $WORK/cp.txt. BENCH_MVN_OFFLINE=1 builds without the network.
bench_build() {
  local offline=${BENCH_MVN_OFFLINE:+-o}
  echo "building the agent and the S3Proxy classpath" >&2
  [ -n "${BENCH_SKIP_BUILD:-}" ] && [ -f "$JAR" ] || mvn -B -q $offline package -DskipTests -pl operator -am >/dev/null
  # The class-data-sharing archive next to the jar, made as the image makes it; the launcher uses it.
  # LIFEBOAT_BENCH_CDS=off removes it, to measure the agent without.
  if [ "${LIFEBOAT_BENCH_CDS:-on}" = off ]; then
    rm -f "${JAR%.jar}.jsa"
  elif [ ! "$JAR" -ot "${JAR%.jar}.jsa" ]; then
    LIFEBOAT_JAR="$JAR" "$ROOT/dist/lifeboat" cds-archive
  fi
  mvn -B -q $offline dependency:build-classpath -pl operator -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
}

# bench_start_s3proxy: S3Proxy (filesystem store under $WORK/s3, log in $WORK/s3proxy.log) and bucket "bench".
# Quiet: without a configuration logback logs at DEBUG, and S3Proxy's Jetty then formats every buffer it
# reads into the log (gigabytes a run, and most of the server's CPU).
bench_start_s3proxy() {
  mkdir -p "$WORK/s3"
  cat > "$WORK/s3proxy-logback.xml" <<'XML'
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
XML
  cat > "$WORK/s3proxy.conf" <<CONF
s3proxy.endpoint=$ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3
CONF
  java -Dlogback.configurationFile="$WORK/s3proxy-logback.xml" -cp "$(cat "$WORK/cp.txt")" org.gaul.s3proxy.Main --properties "$WORK/s3proxy.conf" > "$WORK/s3proxy.log" 2>&1 &
  S3PID=$!
  for _ in $(seq 1 60); do curl -s -o /dev/null "$ENDPOINT" && break; sleep 0.5; done
  $AWS --endpoint-url "$ENDPOINT" s3 mb s3://bench >/dev/null
}

# bench_generate DIR SIZE_MIB FILES: SIZE_MIB in FILES files under DIR/dirNN, half random, half text
bench_generate() {
  echo "generating $2 MiB in $3 files (half random, half text)" >&2
  python3 - "$@" <<'PY'
import os, sys, random
root, size_mib, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = size_mib * 1024 * 1024 // files
words = [b"backup", b"volume", b"sqlite", b"restore", b"policy", b"memory", b"daily", b"json", b"lifeboat", b"data"]
rng = random.Random(42)
for i in range(files):
    d = os.path.join(root, f"dir{i % 20:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:05d}.{'bin' if i % 2 else 'txt'}"), "wb") as f:
        if i % 2:
            f.write(os.urandom(per))
        else:
            line = b" ".join(rng.choice(words) for _ in range(12)) + b"\n"
            f.write((line * (per // len(line) + 1))[:per])
PY
}

# bench_drop_caches: empties the page cache (needs root and a writable /proc/sys); false if it cannot
bench_drop_caches() {
  sync
  { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null
}

# bench_caches: CACHES="cold warm", or "warm" where the page cache cannot be dropped
bench_caches() {
  if bench_drop_caches; then
    CACHES="cold warm"
  else
    CACHES="warm"
    echo "cannot drop the page cache (needs root and a writable /proc/sys/vm/drop_caches): warm runs only" >&2
  fi
}

# bench_warm CACHE PATH...: for a warm run, reads the files under PATH into the page cache (a cold run
# has them dropped by run)
bench_warm() {
  [ "$1" = warm ] || return 0
  shift
  find "$@" -type f -exec cat {} + > /dev/null
}

# rotated N WORD...: the words rotated left N times. Runs are interleaved and their order rotated each
# repetition, so drift (other load, the S3 store filling) hits every client alike.
rotated() { local n=$(( $1 % ($# - 1) )); shift; echo "${@:n+1}" "${@:1:n}"; }

# median_min_max: "median min max" of the numbers on standard input, one a line
median_min_max() {
  sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

# stats ARRAY WHAT VARIANT CACHE: "median min max" of ARRAY[WHAT-VARIANT-CACHE-REP] over REP = 1..REPS
stats() {
  local -n values=$1; local rep
  for rep in $(seq 1 "$REPS"); do echo "${values[$2-$3-$4-$rep]:-0}"; done | median_min_max
}

# row_stats WHAT VARIANT CACHE: of the runs WHAT-VARIANT-CACHE-*, sets wall, lo and hi (median, min and
# max wall time), rss, cpu and s3cpu (medians) and others (the most other processes used in one run)
row_stats() {
  read -r wall lo hi <<< "$(stats WALL "$@")"
  read -r rss _ _ <<< "$(stats RSS "$@")"
  read -r cpu _ _ <<< "$(stats CPU "$@")"
  read -r s3cpu _ _ <<< "$(stats S3CPU "$@")"
  read -r _ _ others <<< "$(stats OTHERS "$@")"
}

# busy_ticks: CPU time the whole machine spent busy (steal included), in clock ticks
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# cpu_ticks: busy_ticks, and S3Proxy's CPU time, one a line
cpu_ticks() {
  busy_ticks
  awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/${S3PID:-0}/stat" 2>/dev/null || echo 0
}

# bench_quiet: waits until the machine is idle (under a tenth of a core busy over 2 s), for at most
# BENCH_QUIET_WAIT seconds (default 900). On two shared cores, another process's work (someone's build)
# would otherwise be part of the wall time.
bench_quiet() {
  local waited=0 hz before after
  hz=$(getconf CLK_TCK)
  while :; do
    before=$(busy_ticks); sleep 2; after=$(busy_ticks)
    [ $(( (after - before) * 10 )) -lt $(( 2 * hz )) ] && return 0
    [ "$waited" -eq 0 ] && echo "waiting for the machine to be idle (other processes are busy)" >&2
    waited=$(( waited + 2 ))
    if [ "$waited" -ge "${BENCH_QUIET_WAIT:-900}" ]; then
      echo "the machine did not become idle in ${BENCH_QUIET_WAIT:-900} s; measuring anyway" >&2
      return 0
    fi
  done
}

# contaminated NAME: true if other processes used more CPU during run NAME than noise explains: over
# 0.5 CPU s and over a tenth of a core on average (BENCH_MAX_OTHERS overrides that fraction). The noise:
# OTHERS also holds the run's own interrupt time (loopback traffic, disk), kernel writeback and time
# the hypervisor stole, together about a twentieth of a core here; a build takes more than a core.
contaminated() {
  awk -v o="${OTHERS[$1]}" -v w="${WALL[$1]}" -v f="${BENCH_MAX_OTHERS:-0.1}" 'BEGIN { exit !(o > 0.5 && o > f * w) }'
}

# run NAME CMD...: wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one command, in
# WALL, RSS and CPU; S3Proxy's CPU seconds meanwhile in S3CPU; in OTHERS the CPU seconds the rest of
# the machine used meanwhile (neither the command nor S3Proxy: other people's work, which makes the
# wall time meaningless if large). Caches are dropped first unless CACHE=warm; either way nothing is
# left to write back from earlier work, and the machine is idle when the command starts.
# RSS is that of the largest single process (what /usr/bin/time reports), not the sum of a pipeline.
declare -A WALL RSS CPU S3CPU OTHERS
run() {
  local name=$1 before after; shift
  sync
  [ "${CACHE:-cold}" = warm ] || bench_drop_caches || true
  bench_quiet
  before=$(cpu_ticks)
  /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2>&1 || { echo "$name failed:"; tail -5 "$WORK/$name.out"; exit 1; }
  after=$(cpu_ticks)
  WALL[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/$name.time")
  RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
  CPU[$name]=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$WORK/$name.time")
  OTHERS[$name]=$(echo $before $after | awk -v hz="$(getconf CLK_TCK)" -v own="${CPU[$name]}" \
    '{ o = ($3 - $1 - ($4 - $2)) / hz - own; printf "%.1f", o < 0 ? 0 : o }')
  S3CPU[$name]=$(echo $before $after | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($4 - $2) / hz }')
  echo "$name: ${WALL[$name]} s, peak RSS ${RSS[$name]} KiB, CPU ${CPU[$name]} s, S3Proxy ${S3CPU[$name]} CPU s, others ${OTHERS[$name]} CPU s" >&2
}

mib() { awk -v b="${2:-$BYTES}" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
