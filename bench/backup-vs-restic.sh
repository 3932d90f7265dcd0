#!/usr/bin/env bash
# Times restic, `tar | zstd | aws s3 cp` and the Lifeboat agent on the same data, against the
# same S3Proxy on loopback, in one run. Not a test: it writes results to stdout and RESULTS.md.
#
#   bench/backup-vs-restic.sh [SIZE_MIB] [FILES]      (default 1024 MiB in 2000 files)
#   LIFEBOAT_BENCH_RSS_ONLY=4096 bench/backup-vs-restic.sh   also measures agent RSS at 4 GiB
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MIB=${1:-1024}
FILES=${2:-2000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-bench.XXXXXX")
PORT=${S3_PORT:-19000}
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
ENDPOINT=http://127.0.0.1:$PORT
trap 'kill ${S3PID:-0} 2>/dev/null || true; rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1; }
if ! need restic || ! need zstd || [ ! -x /usr/bin/time ] || [ ! -x /usr/bin/aws ]; then
  echo "installing restic, zstd, time, awscli from Debian" >&2
  apt-get update -qq && apt-get install -y -qq restic zstd time awscli >/dev/null
fi
AWS=/usr/bin/aws   # Debian's awscli; another, older aws may come first on PATH

echo "building the agent and the S3Proxy classpath" >&2
mvn -B -q package -DskipTests -pl operator -am >/dev/null
mvn -B -q dependency:build-classpath -pl operator -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
JAR=$ROOT/operator/target/lifeboat.jar

mkdir -p "$WORK/s3"
cat > "$WORK/s3proxy.conf" <<CONF
s3proxy.endpoint=$ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3
CONF
java -cp "$(cat "$WORK/cp.txt")" org.gaul.s3proxy.Main --properties "$WORK/s3proxy.conf" > "$WORK/s3proxy.log" 2>&1 &
S3PID=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "$ENDPOINT" && break; sleep 0.5; done
$AWS --endpoint-url "$ENDPOINT" s3 mb s3://bench >/dev/null

echo "generating $SIZE_MIB MiB in $FILES files (half random, half text)" >&2
python3 - "$WORK/data" "$SIZE_MIB" "$FILES" <<'PY'
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
BYTES=$(du -sb "$WORK/data" | cut -f1)

# run NAME CMD...: wall seconds and peak RSS (KiB) of one command
declare -A WALL RSS
run() {
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2>&1 || { echo "$name failed:"; tail -5 "$WORK/$name.out"; exit 1; }
  WALL[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/$name.time")
  RSS[$name]=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
  echo "$name: ${WALL[$name]} s, peak RSS ${RSS[$name]} KiB" >&2
}

export RESTIC_REPOSITORY=s3:$ENDPOINT/bench/restic RESTIC_PASSWORD=bench
restic init >/dev/null
run restic-backup restic backup --quiet "$WORK/data"
run restic-restore restic restore latest --target "$WORK/restic-restore"
run tar-zstd-s3 bash -c "tar -C '$WORK/data' -cf - . | zstd -1 -T2 | $AWS --endpoint-url $ENDPOINT s3 cp - s3://bench/tarzstd/data.tar.zst"
AGENT=(env LIFEBOAT_JAR="$JAR" "$ROOT/dist/lifeboat" agent)   # what the Job runs: the launcher and its JVM settings
REPO=(--repository s3://bench/lifeboat --endpoint "$ENDPOINT" --path-style --namespace bench --policy bench)
run agent-backup "${AGENT[@]}" backup "${REPO[@]}" --volume "data=$WORK/data" --min-size 0
mkdir -p "$WORK/agent-restore"
run agent-restore "${AGENT[@]}" restore "${REPO[@]}" --backup latest --target "$WORK/agent-restore"
diff -r "$WORK/data" "$WORK/agent-restore" >/dev/null && echo "agent restore identical" >&2

if [ -n "${LIFEBOAT_BENCH_RSS_ONLY:-}" ]; then
  rm -rf "$WORK/restic-restore" "$WORK/agent-restore"
  python3 -c "
import os,sys
root=sys.argv[1]; n=int(sys.argv[2])
os.makedirs(root, exist_ok=True)
for i in range(n):
    with open(os.path.join(root, f'big{i:03d}.bin'), 'wb') as f:
        for _ in range(64): f.write(os.urandom(1<<20))
" "$WORK/big" "$(( LIFEBOAT_BENCH_RSS_ONLY / 64 ))"
  run agent-backup-large "${AGENT[@]}" backup "${REPO[@]}" --volume "big=$WORK/big" --min-size 0 --backup-id 20300101T000000Z
fi

mib() { awk -v b="${2:-$BYTES}" -v s="$1" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo "| run | wall s | MB/s | peak RSS MiB | time vs restic |"
  echo "|---|---|---|---|---|"
  for name in restic-backup tar-zstd-s3 agent-backup restic-restore agent-restore agent-backup-large; do
    [ -n "${WALL[$name]:-}" ] || continue
    base=${WALL[restic-backup]}; case $name in *restore) base=${WALL[restic-restore]};; esac
    if [ "$name" = agent-backup-large ]; then
      echo "| $name ($LIFEBOAT_BENCH_RSS_ONLY MiB, random) | ${WALL[$name]} | $(mib "${WALL[$name]}" "$(du -sb "$WORK/big" | cut -f1)") | $(( ${RSS[$name]} / 1024 )) | n/a |"
      continue
    fi
    echo "| $name | ${WALL[$name]} | $(mib "${WALL[$name]}") | $(( ${RSS[$name]} / 1024 )) | $(ratio "${WALL[$name]}" "$base") |"
  done
  echo
  echo "Data: $SIZE_MIB MiB in $FILES files (half random, half text), $(nproc) cores, $(uname -m); S3Proxy (filesystem) on loopback."
} | tee "$WORK/table.md"
cp "$WORK/table.md" "$ROOT/bench/last-run.md"
