#!/usr/bin/env bash
# What capturing SQLite databases (`--sqlite online`, the default) costs `lifeboat agent backup`, against
# `--sqlite off` and `tar | zstd | aws s3 cp`, on the same data and the same S3Proxy on loopback, in one
# run, with the page cache dropped (cold) and kept (warm). Not a test: it writes results to stdout and
# last-run-sqlite-capture.md.
#
#   bench/sqlite-capture.sh [SIZE_MIB] [FILES] [DB_MIB] [REPS]     (default 1024 2000 512 5)
#
#   1. a volume of SIZE_MIB in FILES files without SQLite: agent --sqlite online vs off;
#   2. a volume of SIZE_MIB: one DB_MIB SQLite database (rows of 1000-byte random blobs) and
#      SIZE_MIB - DB_MIB in FILES/2 other files: agent online vs off vs tar | zstd -1 -T2 | aws s3 cp,
#      and the capture step alone: the sqlite3 CLI's .backup of the database into the scratch directory.
#   Each run REPS times per cache state, interleaved; the table shows medians of wall time, peak RSS,
#   CPU (the command's; S3Proxy's) and the most CPU other processes used during one of the runs: if that
#   is large, someone else was using the machine and the wall times say little.
#   LIFEBOAT_BENCH_JOURNAL=wal builds the database in WAL mode (default: delete, SQLite's rollback journal).
#   LIFEBOAT_BENCH_CASES=plain (or db) measures one volume only, to redo it after a disturbed run.
#   BENCH_ATTEMPTS (default 3): how often a run disturbed by other processes is tried.
set -euo pipefail
SIZE_MIB=${1:-1024}
FILES=${2:-2000}
DB_MIB=${3:-512}
REPS=${4:-5}
JOURNAL=${LIFEBOAT_BENCH_JOURNAL:-delete}
CASES=${LIFEBOAT_BENCH_CASES:-plain db}
. "$(dirname "$0")/lib.sh"   # ROOT (now the working directory), WORK, ENDPOINT, AWS, AGENT; bench_* and run

bench_install zstd=zstd sqlite3=sqlite3 /usr/bin/time=time /usr/bin/aws=awscli
bench_caches
bench_build
bench_start_s3proxy

PLAIN=$WORK/plain DBVOL=$WORK/dbvol SCRATCH=$WORK/scratch
mkdir -p "$SCRATCH"
bench_generate "$PLAIN" "$SIZE_MIB" "$FILES"
bench_generate "$DBVOL" "$(( SIZE_MIB - DB_MIB ))" "$(( FILES / 2 ))"
DB=$DBVOL/memory.db
ROWS=$(( DB_MIB * 1024 ))   # 1000-byte blobs, 4 rows to a 4 KiB page: ~1 KiB a row
echo "building a $DB_MIB MiB SQLite database ($ROWS rows, journal_mode=$JOURNAL)" >&2
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA page_size=4096;
PRAGMA journal_mode=$JOURNAL;
CREATE TABLE blobs(id INTEGER PRIMARY KEY, v BLOB NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO blobs(v) SELECT randomblob(1000) FROM n;
SQL
DB_BYTES=$(stat -c %s "$DB")
DB_STATE=$(stat -c '%s %Y %Z' "$DB")   # nobody writes it from here on; checked at the end
declare -A BYTES_OF=([plain]=$(du -sb "$PLAIN" | cut -f1) [db]=$(du -sb "$DBVOL" | cut -f1))

# scratch_sampler: the peak size of the scratch directory while it runs, in $WORK/scratch.peak. Every 0.5 s:
# the copy stays at its full size for seconds (while it is archived), and sampling costs the run little CPU.
scratch_sampler() {
  local peak=0 size
  while [ -d "$SCRATCH" ] && kill -0 $$ 2>/dev/null; do
    size=$(du -sb "$SCRATCH" 2>/dev/null | cut -f1) || size=0
    if [ "${size:-0}" -gt "$peak" ]; then peak=$size; echo "$peak" > "$WORK/scratch.peak"; fi
    sleep 0.5
  done
}

# measure CASE VARIANT CACHE REP: one run, its S3 objects deleted afterwards (untimed). Run again, up to
# BENCH_ATTEMPTS times in all, while other processes used the CPU meanwhile (see contaminated in lib.sh).
N=0 RERUNS=0
declare -A SCRATCH_PEAK
measure() {
  local case=$1 variant=$2 cache=$3 rep=$4 attempt attempts=${BENCH_ATTEMPTS:-3}
  for attempt in $(seq 1 "$attempts"); do
    measure_once "$@"
    contaminated "$case-$variant-$cache-$rep" || return 0
    if [ "$attempt" -lt "$attempts" ]; then
      echo "  other processes used ${OTHERS[$case-$variant-$cache-$rep]} CPU s meanwhile: run again" >&2
      RERUNS=$(( RERUNS + 1 ))
    else
      echo "  other processes used ${OTHERS[$case-$variant-$cache-$rep]} CPU s meanwhile, last attempt: kept" >&2
    fi
  done
}
measure_once() {
  local case=$1 variant=$2 cache=$3 rep=$4 dir prefix id name sampler=
  dir=$PLAIN; [ "$case" = db ] && dir=$DBVOL
  name=$case-$variant-$cache-$rep
  N=$(( N + 1 ))
  id=$(date -u -d @$(( 1893456000 + N )) +%Y%m%dT%H%M%SZ)
  # warm: the volume (and the jar) are read into the page cache first; cold: run() drops it
  bench_warm "$cache" "$dir" "$JAR"
  if [ "$variant" = capture ]; then
    prefix=none
    CACHE=$cache run "$name" sqlite3 "file:$DB?mode=ro" ".backup $SCRATCH/cli-copy.db"
    rm -f "$SCRATCH/cli-copy.db"
  elif [ "$variant" = tar ]; then
    prefix=tarzstd
    CACHE=$cache run "$name" bash -c "tar -C '$dir' -cf - . | zstd -q -1 -T2 | $AWS --endpoint-url $ENDPOINT s3 cp - s3://bench/tarzstd/data.tar.zst"
  else
    prefix=lifeboat
    # The sampler runs beside online and off alike, so its little CPU weighs on both.
    rm -f "$WORK/scratch.peak"; scratch_sampler & sampler=$!
    CACHE=$cache run "$name" "${AGENT[@]}" backup --repository s3://bench/lifeboat --endpoint "$ENDPOINT" --path-style \
      --namespace bench --policy "$case-$variant" --volume "data=$dir" --min-size 0 --backup-id "$id" \
      --sqlite "$variant" --scratch-dir "$SCRATCH"
    kill "$sampler"; wait "$sampler" 2>/dev/null || true
    SCRATCH_PEAK[$name]=$(cat "$WORK/scratch.peak" 2>/dev/null || echo 0)
    if [ "$case-$variant" = db-online ] && [ ! -e "$WORK/verified" ]; then verify_capture "$id"; fi
  fi
  [ "$prefix" = none ] || $AWS --endpoint-url "$ENDPOINT" s3 rm --recursive --quiet "s3://bench/$prefix/"
}

# verify_capture ID: the online backup holds the database, whole and readable (untimed)
verify_capture() {
  mkdir -p "$WORK/verify"
  $AWS --endpoint-url "$ENDPOINT" s3 cp --quiet "s3://bench/lifeboat/bench/db-online/$1/data.tar.zst" - \
    | zstd -q -d | tar -x -C "$WORK/verify" memory.db
  local check rows
  check=$(sqlite3 "file:$WORK/verify/memory.db?mode=ro" "PRAGMA quick_check;")
  rows=$(sqlite3 "file:$WORK/verify/memory.db?mode=ro" "SELECT count(*) FROM blobs;")
  echo "captured copy: $(stat -c %s "$WORK/verify/memory.db") bytes (original $DB_BYTES), quick_check $check, $rows rows (built $ROWS)" \
    | tee "$WORK/verified" >&2
  [ "$check" = ok ] && [ "$rows" = "$ROWS" ] || { echo "the captured database is not the original"; exit 1; }
  rm -f "$WORK/verify/memory.db"
}

# One untimed backup first: S3Proxy has just started, and its JIT would slow whichever run came first.
"${AGENT[@]}" backup --repository s3://bench/lifeboat --endpoint "$ENDPOINT" --path-style --namespace bench \
  --policy warm-up --volume "data=$DBVOL" --min-size 0 --scratch-dir "$SCRATCH" > "$WORK/warm-up.out" 2>&1
$AWS --endpoint-url "$ENDPOINT" s3 rm --recursive --quiet s3://bench/lifeboat/

for rep in $(seq 1 "$REPS"); do
  for cache in $CACHES; do
    for case in $CASES; do
      variants="online off"; [ "$case" = db ] && variants="online off tar capture"
      for variant in $(rotated "$rep" $variants); do measure "$case" "$variant" "$cache" "$rep"; done
    done
  done
done
[ "$(stat -c '%s %Y %Z' "$DB")" = "$DB_STATE" ] || { echo "the database changed during the runs"; exit 1; }
for suffix in -wal -shm -journal; do [ ! -e "$DB$suffix" ] || echo "note: $DB$suffix exists after the runs" >&2; done

label() {
  case $1 in
    online) echo "agent \`--sqlite online\`";; off) echo "agent \`--sqlite off\`";;
    tar) echo "tar \\| zstd -1 -T2 \\| aws s3 cp";;
    capture) echo "capture step alone: sqlite3 CLI \`.backup\` to scratch";;
  esac
}
{
  echo "| volume | run | cache | wall s, median (min–max) | MiB/s | peak RSS MiB | CPU s | S3Proxy CPU s | others' CPU s, max | wall vs \`--sqlite off\` |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for case in $CASES; do
    variants="online off"; [ "$case" = db ] && variants="online off tar capture"
    for cache in $CACHES; do
      read -r off _ _ <<< "$(stats WALL "$case" off "$cache")"
      for variant in $variants; do
        row_stats "$case" "$variant" "$cache"
        if [ "$case" = plain ]; then vol="$SIZE_MIB MiB, $FILES files, no SQLite"; else vol="$DB_MIB MiB database + $(( SIZE_MIB - DB_MIB )) MiB in $(( FILES / 2 )) files"; fi
        bytes=${BYTES_OF[$case]} vsoff=$(ratio "$wall" "$off")
        if [ "$variant" = capture ]; then bytes=$DB_BYTES vsoff="n/a (MiB/s of the database)"; fi
        echo "| $vol | $(label "$variant") | $cache | $wall ($lo–$hi) | $(mib "$wall" "$bytes") | $(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') | $cpu | $s3cpu | $others | $vsoff |"
      done
    done
  done
  echo
  # The same repetition's online and off runs are neighbours: their difference is less exposed to drift.
  for case in $CASES; do
    for cache in $CACHES; do
      declare -A DWALL=() DCPU=()
      for rep in $(seq 1 "$REPS"); do
        DWALL[$case-d-$cache-$rep]=$(awk -v a="${WALL[$case-online-$cache-$rep]}" -v b="${WALL[$case-off-$cache-$rep]}" 'BEGIN { printf "%.2f", a - b }')
        DCPU[$case-d-$cache-$rep]=$(awk -v a="${CPU[$case-online-$cache-$rep]}" -v b="${CPU[$case-off-$cache-$rep]}" 'BEGIN { printf "%.2f", a - b }')
      done
      read -r dw dlo dhi <<< "$(stats DWALL "$case" d "$cache")"
      read -r dc clo chi <<< "$(stats DCPU "$case" d "$cache")"
      echo "online − off, $case volume, $cache, paired by repetition: wall $dw s ($dlo to $dhi), agent CPU $dc s ($clo to $chi)."
    done
  done
  peak=0 plainpeak=0
  for k in "${!SCRATCH_PEAK[@]}"; do
    [[ $k == *-online-* ]] || continue
    if [[ $k == db-* ]]; then
      if (( SCRATCH_PEAK[$k] > peak )); then peak=${SCRATCH_PEAK[$k]}; fi
    elif (( SCRATCH_PEAK[$k] > plainpeak )); then plainpeak=${SCRATCH_PEAK[$k]}; fi
  done
  echo "Database: $DB_BYTES bytes, journal_mode=$JOURNAL, idle (no process had it open; size, mtime and ctime unchanged over all runs)."
  echo "Scratch directory at its peak during online runs (sampled every 0.5 s): $([[ " $CASES " == *" db "* ]] && echo "$peak bytes with the database, ")$plainpeak bytes without (the directory itself)."
  [ ! -e "$WORK/verified" ] || cat "$WORK/verified"
  echo "$REPS runs of each (and $RERUNS reruns of runs other processes disturbed); caches: $CACHES. $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -m); S3Proxy (filesystem) on loopback. Produced by bench/sqlite-capture.sh $SIZE_MIB $FILES $DB_MIB $REPS."
} | tee "$WORK/table.md"
cp "$WORK/table.md" "$ROOT/bench/last-run-sqlite-capture.md"
# S3Proxy must have logged next to nothing: a verbose log would put its formatting into every figure.
echo "S3Proxy's log: $(stat -c %s "$WORK/s3proxy.log") bytes" >&2
