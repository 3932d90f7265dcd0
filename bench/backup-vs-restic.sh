#!/usr/bin/env bash
# restic, `tar | zstd | aws s3 cp` and the Lifeboat agent on the same data, against the same quiet
# S3Proxy (one filesystem store, one bucket, a prefix per client and run), in one run, with the page
# cache dropped (cold) and kept (warm). Not a test: it writes results to stdout and last-run.md.
#
#   bench/backup-vs-restic.sh [SIZE_MIB] [FILES] [REPS]      (default 1024 2000 3; REPS also from env)
#
#   The server's own limits: `aws s3 cp` upload and download of one random object of LIMIT_MIB
#   (default 512, at most SIZE_MIB), and of the data set as one uncompressed tar stream.
#   Each client, on a repository of its own: first backup; second backup, nothing changed; backup
#   after 1 % of the files (the same files for every client) got new content; restore of the latest.
#   Each REPS times per cache state, the order of clients and cache states rotated each repetition;
#   medians of wall time and peak RSS, and the bytes each backup added to the store.
#   LIFEBOAT_BENCH_RSS_ONLY=4096 also backs up and restores 4 GiB of large random files with the agent,
#   to show its memory does not grow with the data.
#   BENCH_SKIP_BUILD=1 uses operator/target/lifeboat.jar as it is; BENCH_QUIET_WAIT (seconds, default
#   900) bounds the wait for an idle machine before each run.
set -euo pipefail
SIZE_MIB=${1:-1024}
FILES=${2:-2000}
REPS=${3:-${REPS:-3}}
LIMIT_MIB=${LIMIT_MIB:-512}
[ "$LIMIT_MIB" -le "$SIZE_MIB" ] || LIMIT_MIB=$SIZE_MIB
. "$(dirname "$0")/lib.sh"   # ROOT (now the working directory), WORK, ENDPOINT, AWS, AGENT; bench_* and run

bench_install restic=restic zstd=zstd /usr/bin/time=time /usr/bin/aws=awscli
bench_caches
bench_build
bench_start_s3proxy
DATA=$WORK/data
bench_generate "$DATA" "$SIZE_MIB" "$FILES"
BYTES=$(du -sb "$DATA" | cut -f1)
STORE=$WORK/s3/bench   # S3Proxy's filesystem store: one directory per bucket, one file per object
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$WORK/restic-cache   # restic's default local cache, kept in WORK

# The 1 % change: every 100th file (alternately a random and a text one) gets new content of the same
# size. The originals and the new versions are kept, so each client starts from the same state and
# backs up the same changed state.
echo "preparing the 1 % change" >&2
python3 - "$DATA" "$WORK/original" "$WORK/changed" <<'PY'
import os, sys, random, shutil
data, original, changed = sys.argv[1:]
files = sorted(os.path.relpath(os.path.join(d, f), data) for d, _, fs in os.walk(data) for f in fs)
step = max(1, len(files) // max(1, len(files) // 100))
rng = random.Random(7)
picked = [files[min(i + (k % 2), len(files) - 1)] for k, i in enumerate(range(0, len(files), step))]
for rel in picked:
    src = os.path.join(data, rel)
    size = os.path.getsize(src)
    for root in (original, changed):
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
    shutil.copyfile(src, os.path.join(original, rel))
    with open(os.path.join(changed, rel), "wb") as f:
        if rel.endswith(".bin"):
            f.write(os.urandom(size))
        else:
            line = (" ".join(rng.choice(["changed", "edited", "new", "row", "value"]) for _ in range(12)) + "\n").encode()
            f.write((line * (size // len(line) + 1))[:size])
print(f"{len(picked)} of {len(files)} files change", file=sys.stderr)
PY
CHANGED_FILES=$(find "$WORK/changed" -type f | wc -l)
set_state() { cp -r "$WORK/$1/." "$DATA/"; }   # original | changed

# stored PREFIX: bytes of the objects under the client's prefix in the store
stored() { { [ ! -d "$STORE/$1" ] || find "$STORE/$1" -type f -printf '%s\n'; } | awk '{ s += $1 } END { print s + 0 }'; }

# The server's limits: one random object up and down, and the data set as one uncompressed tar stream
head -c $(( LIMIT_MIB * 1048576 )) /dev/urandom > "$WORK/limit.bin"
limits() {
  local cache=$1 rep=$2
  bench_warm "$cache" "$WORK/limit.bin"
  CACHE=$cache run "s3cp-up-$cache-$rep" $AWS --endpoint-url "$ENDPOINT" s3 cp --quiet "$WORK/limit.bin" s3://bench/limit/limit.bin
  CACHE=$cache run "s3cp-down-$cache-$rep" bash -c "$AWS --endpoint-url $ENDPOINT s3 cp --quiet s3://bench/limit/limit.bin - > /dev/null"
  bench_warm "$cache" "$DATA"
  CACHE=$cache run "s3cp-dataup-$cache-$rep" bash -c "tar -C '$DATA' -cf - . | $AWS --endpoint-url $ENDPOINT s3 cp --quiet - s3://bench/limit/data.tar"
  CACHE=$cache run "s3cp-datadown-$cache-$rep" bash -c "$AWS --endpoint-url $ENDPOINT s3 cp --quiet s3://bench/limit/data.tar - > /dev/null"
  $AWS --endpoint-url "$ENDPOINT" s3 rm --recursive --quiet s3://bench/limit/
}

# backup NAME CLIENT PREFIX N: the client's Nth backup into PREFIX, measured as run NAME
N=0
declare -A STORED
backup() {
  local name=$1 client=$2 prefix=$3 n=$4
  case $client in
    restic) CACHE=$cache run "$name" restic -r "s3:$ENDPOINT/bench/$prefix" backup --quiet "$DATA";;
    tar) CACHE=$cache run "$name" bash -c "tar -C '$DATA' -cf - . | zstd -q -1 -T2 | $AWS --endpoint-url $ENDPOINT s3 cp --quiet - s3://bench/$prefix/data-$n.tar.zst";;
    agent)
      N=$(( N + 1 ))   # ids in the order of the runs, so "latest" is the last one
      CACHE=$cache run "$name" "${AGENT[@]}" backup --repository "s3://bench/$prefix" --endpoint "$ENDPOINT" --path-style \
        --namespace bench --policy bench --volume "data=$DATA" --min-size 0 \
        --backup-id "$(date -u -d @$(( 1893456000 + N )) +%Y%m%dT%H%M%SZ)";;
  esac
}
# restore NAME CLIENT PREFIX TARGET: restores the client's latest backup, measured as run NAME; sets
# RESTORED to where the data lands (restic restores under the absolute path it backed up)
restore() {
  local name=$1 client=$2 prefix=$3 target=$4
  RESTORED=$target
  case $client in
    restic) CACHE=$cache run "$name" restic -r "s3:$ENDPOINT/bench/$prefix" restore latest --target "$target"
      RESTORED=$target$DATA;;
    tar) CACHE=$cache run "$name" bash -c "$AWS --endpoint-url $ENDPOINT s3 cp --quiet s3://bench/$prefix/data-3.tar.zst - | zstd -q -d | tar -x -C '$target'";;
    agent) CACHE=$cache run "$name" "${AGENT[@]}" restore --repository "s3://bench/$prefix" --endpoint "$ENDPOINT" \
      --path-style --namespace bench --policy bench --backup latest --target "$target";;
  esac
}

# sequence CLIENT CACHE REP: on a fresh repository the first, unchanged and changed backups, then the
# restore of the latest, checked against the data
sequence() {
  local client=$1 cache=$2 rep=$3 prefix=$1-$2-$3 step n=0 before
  set_state original
  [ "$client" != restic ] || restic -r "s3:$ENDPOINT/bench/$prefix" init >/dev/null
  for step in first unchanged changed; do
    n=$(( n + 1 ))
    [ "$step" != changed ] || set_state changed
    bench_warm "$cache" "$DATA" "$JAR" /usr/bin/restic
    before=$(stored "$prefix")
    backup "$client-$step-$cache-$rep" "$client" "$prefix" "$n"
    STORED[$client-$step-$cache-$rep]=$(( $(stored "$prefix") - before ))
  done
  rm -rf "$WORK/restore"; mkdir -p "$WORK/restore"
  bench_warm "$cache" "$JAR" /usr/bin/restic
  restore "$client-restore-$cache-$rep" "$client" "$prefix" "$WORK/restore"
  diff -r "$DATA" "$RESTORED" >/dev/null || { echo "$client restored something other than the data it backed up"; exit 1; }
  rm -rf "$WORK/restore"
  $AWS --endpoint-url "$ENDPOINT" s3 rm --recursive --quiet "s3://bench/$prefix/"
}

# One untimed agent backup first: S3Proxy has just started, and its JIT would slow whichever run came first.
"${AGENT[@]}" backup --repository s3://bench/warm-up --endpoint "$ENDPOINT" --path-style --namespace bench \
  --policy warm-up --volume "data=$DATA" --min-size 0 > "$WORK/warm-up.out" 2>&1
$AWS --endpoint-url "$ENDPOINT" s3 rm --recursive --quiet s3://bench/warm-up/

CLIENTS="restic tar agent"
for rep in $(seq 1 "$REPS"); do
  for cache in $(rotated "$rep" $CACHES); do
    limits "$cache" "$rep"
    for client in $(rotated "$rep" $CLIENTS); do sequence "$client" "$cache" "$rep"; done
  done
done

if [ -n "${LIFEBOAT_BENCH_RSS_ONLY:-}" ]; then
  python3 -c "
import os,sys
root=sys.argv[1]; n=int(sys.argv[2])
os.makedirs(root, exist_ok=True)
for i in range(n):
    with open(os.path.join(root, f'big{i:03d}.bin'), 'wb') as f:
        for _ in range(64): f.write(os.urandom(1<<20))
" "$WORK/big" "$(( LIFEBOAT_BENCH_RSS_ONLY / 64 ))"
  BIG=(--repository s3://bench/big --endpoint "$ENDPOINT" --path-style --namespace bench --policy big)
  cache=cold
  run agent-backup-large "${AGENT[@]}" backup "${BIG[@]}" --volume "big=$WORK/big" --min-size 0
  mkdir -p "$WORK/big-restore"
  run agent-restore-large "${AGENT[@]}" restore "${BIG[@]}" --backup latest --target "$WORK/big-restore"
  rm -rf "$WORK/big-restore"
fi

mibs() { awk -v b="$1" 'BEGIN { printf "%.3f", b / 1048576 }'; }
label() {
  case $1 in
    restic) echo "restic $(restic version | awk '{ print $2 }') (defaults)";;
    tar) echo "tar \| zstd -1 -T2 \| aws s3 cp";;
    agent) echo "**agent**";;
  esac
}
step_label() {
  case $1 in
    first) echo "first backup";; unchanged) echo "second backup, nothing changed";;
    changed) echo "backup after $CHANGED_FILES of $FILES files changed";; restore) echo "restore of the latest";;
  esac
}
{
  echo "| run | cache | client | wall s, median (min–max) | peak RSS MiB | MiB stored | wall vs restic | stored vs restic | CPU s | S3Proxy CPU s | others' CPU s, max |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for cache in $CACHES; do
    for what in up:"\`aws s3 cp\` upload, $LIMIT_MIB MiB random":$(( LIMIT_MIB * 1048576 )) \
                down:"\`aws s3 cp\` download, $LIMIT_MIB MiB random":$(( LIMIT_MIB * 1048576 )) \
                dataup:"\`tar -c \| aws s3 cp\` upload of the data, uncompressed":$BYTES \
                datadown:"\`aws s3 cp\` download of that tar":$BYTES; do
      IFS=: read -r key text bytes <<< "$what"
      row_stats s3cp "$key" "$cache"
      echo "| server limit: $text ($(mib "$wall" "$bytes") MiB/s) | $cache | aws CLI | $wall ($lo–$hi) | $(( ${rss%.*} / 1024 )) | | | | $cpu | $s3cpu | $others |"
    done
    for step in first unchanged changed restore; do
      read -r base _ _ <<< "$(stats WALL restic "$step" "$cache")"
      read -r sbase _ _ <<< "$(stats STORED restic "$step" "$cache")"
      for client in $CLIENTS; do
        row_stats "$client" "$step" "$cache"
        stored="" vs=""
        if [ "$step" != restore ]; then
          read -r st _ _ <<< "$(stats STORED "$client" "$step" "$cache")"
          stored=$(mibs "$st")
          vs=$(awk -v a="$st" -v b="$sbase" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
        fi
        echo "| $(step_label "$step") | $cache | $(label "$client") | $wall ($lo–$hi) | $(( ${rss%.*} / 1024 )) | $stored | $(ratio "$wall" "$base") | $vs | $cpu | $s3cpu | $others |"
      done
    done
  done
  for name in agent-backup-large agent-restore-large; do
    [ -n "${WALL[$name]:-}" ] || continue
    echo "| ${name%-large} of $LIFEBOAT_BENCH_RSS_ONLY MiB of 64 MiB random files | cold | **agent** | ${WALL[$name]} | $(( ${RSS[$name]} / 1024 )) | | | | ${CPU[$name]} | ${S3CPU[$name]} | ${OTHERS[$name]} |"
  done
  echo
  echo "Data: $SIZE_MIB MiB ($BYTES bytes) in $FILES files, half random, half text; the change: $CHANGED_FILES files rewritten with new content of the same size."
  echo "$REPS runs of each per cache state ($CACHES), interleaved, order rotated; a fresh repository per client and run. MiB stored: what the backup added to the S3 store."
  echo "$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -m); $(restic version | cut -d' ' -f1-2), $($AWS --version 2>&1 | cut -d' ' -f1), $(zstd -V | sed 's/^\*\*\* //; s/,.*//'); S3Proxy (filesystem store, logging at WARN) on loopback. Produced by bench/backup-vs-restic.sh $SIZE_MIB $FILES $REPS on $(date -u +%Y-%m-%d)."
} | tee "$WORK/table.md"
cp "$WORK/table.md" "$ROOT/bench/last-run.md"
# S3Proxy must have logged next to nothing: a verbose log would put its formatting into every figure.
echo "S3Proxy's log: $(stat -c %s "$WORK/s3proxy.log") bytes" >&2
