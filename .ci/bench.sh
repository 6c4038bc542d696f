#!/usr/bin/env bash
# make bench: performance figures, each against a baseline measured in the
# same run, on 127.0.0.1 only. Results go to bench/results.json and a table
# is printed at the end (app/benchmark/bench_test.go says what each figure
# is). KNOCK_BENCH_ONLY=send,run1000,big,window,viewer,store,import runs some
# sections only, writing bench/work/results.json instead.
set -euo pipefail
cd "$(dirname "$0")/.."

# The clients Knock is compared with, pinned.
NEWMAN_VERSION=6.2.2
BRU_VERSION=4.1.0
WORK=bench/work

echo "Knock benchmarks ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg))"

.ci/deps.sh test
# GNU time measures the peak RSS of each client (see app/benchmark/process.go).
if [ ! -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
  echo "bench: installing GNU time" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing: install Node.js 18 or later" >&2; exit 1; }
done

installed() { # package version
  node -p "require('./$WORK/node_modules/$1/package.json').version" 2>/dev/null | grep -qx "$2"
}
mkdir -p "$WORK"
if ! installed newman "$NEWMAN_VERSION" || ! installed @usebruno/cli "$BRU_VERSION"; then
  echo "== npm install newman@$NEWMAN_VERSION @usebruno/cli@$BRU_VERSION into $WORK"
  npm install --prefix "$WORK" --no-audit --no-fund --loglevel=error \
    "newman@$NEWMAN_VERSION" "@usebruno/cli@$BRU_VERSION" >/dev/null
fi

echo "== build (no race detector)"
go build -tags no_emoji -o "$WORK/knock" . # as make build does
go build -o "$WORK/bareloop" ./app/benchmark/bareloop
go build -tags no_emoji -o "$WORK/barewindow" ./app/benchmark/barewindow
# Each binary is measured as read from disk, as an installed program is:
# write it out and drop it from the page cache. A file the linker has just
# written stays cached in large folios (up to 2 MiB with ext4 on Linux
# 6.16 and later), which are mapped whole at the first touch: a freshly
# linked knock then counts about 10 MiB more of its own text as resident
# than the same file read back from disk (37 against 27 MiB for `knock
# version`). The bare Go programs are written by Go's own linker and
# hardly change; node, which runs newman and bru, was installed long ago.
for bin in "$WORK/knock" "$WORK/bareloop" "$WORK/barewindow"; do
  dd of="$bin" oflag=nocache conv=notrunc,fdatasync count=0 status=none
done

echo "== benchmarks (in a private D-Bus session with gnome-keyring, for the window)"
export LANG=en_US.UTF-8
dbus-run-session -- sh -c '
  printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec go test -tags bench -run "^TestBench$" -v -count=1 -timeout 60m ./app/benchmark/
'
