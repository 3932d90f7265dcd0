#!/usr/bin/env bash
# Times restic, `tar | zstd | aws s3 cp` and the Lifeboat agent on the same data, against the
# same S3Proxy on loopback, in one run. Not a test: it writes results to stdout and RESULTS.md.
#
#   bench/backup-vs-restic.sh [SIZE_MIB] [FILES]      (default 1024 MiB in 2000 files)
#   LIFEBOAT_BENCH_RSS_ONLY=4096 bench/backup-vs-restic.sh   also measures agent RSS at 4 GiB
set -euo pipefail
SIZE_MIB=${1:-1024}
FILES=${2:-2000}
. "$(dirname "$0")/lib.sh"   # ROOT (now the working directory), WORK, ENDPOINT, AWS, AGENT; bench_* and run

bench_install restic=restic zstd=zstd /usr/bin/time=time /usr/bin/aws=awscli
bench_build
bench_start_s3proxy
bench_generate "$WORK/data" "$SIZE_MIB" "$FILES"
BYTES=$(du -sb "$WORK/data" | cut -f1)

export RESTIC_REPOSITORY=s3:$ENDPOINT/bench/restic RESTIC_PASSWORD=bench
restic init >/dev/null
run restic-backup restic backup --quiet "$WORK/data"
run restic-restore restic restore latest --target "$WORK/restic-restore"
run tar-zstd-s3 bash -c "tar -C '$WORK/data' -cf - . | zstd -1 -T2 | $AWS --endpoint-url $ENDPOINT s3 cp - s3://bench/tarzstd/data.tar.zst"
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
