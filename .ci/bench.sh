#!/usr/bin/env bash
# make bench: performance figures, each against a baseline measured in the
# same run, on 127.0.0.1 only. Results go to bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Knock benchmarks ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(go version | cut -d' ' -f3))"
echo "what | knock | baseline | ratio"
