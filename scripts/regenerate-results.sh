#!/usr/bin/env bash
# Regenerates the committed results of every shipped scenario and refreshes the notebooks.
# Needs the real datasets for the replay scenarios: FLYWHEEL_DATA (default ../shared/datasets).
set -euo pipefail
cd "$(dirname "$0")/.."
export FLYWHEEL_DATA="${FLYWHEEL_DATA:-$(cd .. && pwd)/shared/datasets}"
swift build -c release --product flywheel
bin=.build/release/flywheel
for s in scenarios/*.yaml; do
  name=$(basename "$s" .yaml)
  if grep -q '^ *replay:' "$s" && [ ! -d "$FLYWHEEL_DATA" ]; then echo "skip $name: no data home"; continue; fi
  if grep -q '^sweep:' "$s"; then
    "$bin" sweep "$s" --out "results/$name" --quiet
  else
    "$bin" run "$s" --out "results/$name" --quiet
  fi
done
"$bin" notebook run notebooks-md/*.md
