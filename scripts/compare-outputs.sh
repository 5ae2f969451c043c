#!/usr/bin/env bash
# Proves a change left every output alone: builds the release binary, runs every shipped scenario,
# the coverage scenarios of scripts/compare-outputs/ (every component kind of every role), the
# scenarios embedded in the tests, a sharded sweep and its merge, a report rebuilt from run.sqlite,
# `flywheel list`, every command's help, `validate` on bad scenarios, `traffic`, `detect`,
# `distance` and `dataset describe`, and keeps each output (SQLite databases as SQL dumps).
#
#   scripts/compare-outputs.sh REF_DIR     # REF_DIR absent: write the reference there
#                                          # REF_DIR present: write into a temporary folder and
#                                          # compare every file with REF_DIR (exit 1 on a difference)
#   KEEP=DIR scripts/compare-outputs.sh REF_DIR   # keep the new outputs in DIR
#   FLYWHEEL_BIN=PATH scripts/compare-outputs.sh REF_DIR   # use that binary instead of building
#
# Needs the real datasets for the replay scenarios: FLYWHEEL_DATA (default ../shared/datasets).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export FLYWHEEL_DATA="${FLYWHEEL_DATA:-$(cd .. && pwd)/shared/datasets}"
[ $# -eq 1 ] || { echo "usage: $0 REF_DIR" >&2; exit 2; }
ref=$1

if [ -n "${FLYWHEEL_BIN:-}" ]; then
  bin=$FLYWHEEL_BIN            # a binary built elsewhere (e.g. from main, for the reference)
else
  swift build -c release --product flywheel >/dev/null
  bin=$root/.build/release/flywheel
fi

# Runs a command, keeping its standard output, standard error and exit status in $1.{out,err,rc}.
capture() {
  local name=$1; shift
  set +e
  "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
  set -e
}

# Replaces every SQLite database under $1 by its SQL dump (same content, same text).
dump_databases() {
  find "$1" -name '*.sqlite' | while read -r db; do
    sqlite3 "$db" .dump >"$db.sql"
    rm "$db"
  done
}

produce() {
  local out=$1
  mkdir -p "$out"/{runs,cli,validate,fixtures}
  local work
  work=$(mktemp -d)
  python3 scripts/compare-outputs/make-slices.py "$work"
  sed -e "s|@SOURCE@|csv|; s|@PATH@|$work/slices.csv|; /@TABLE@/d" scripts/compare-outputs/slices.yaml.in >"$work/slices-csv.yaml"
  sed -e "s|@SOURCE@|sqlite|; s|@PATH@|$work/slices.sqlite|; s|@TABLE@|    table: events|" \
    scripts/compare-outputs/slices.yaml.in >"$work/slices-sqlite.yaml"
  python3 scripts/extract-test-scenarios.py "$out/fixtures" >/dev/null

  # Every scenario: shipped, coverage, replayed slices, and those of the tests that validate.
  for s in scenarios/*.yaml scripts/compare-outputs/*.yaml "$work"/slices-*.yaml "$out"/fixtures/*.yaml; do
    local name
    name=$(basename "$s" .yaml)
    if grep -q '^sweep:' "$s"; then
      capture "$out/runs/$name" "$bin" sweep "$s" --out "$out/runs/$name" --quiet
    else
      capture "$out/runs/$name" "$bin" run "$s" --out "$out/runs/$name" --quiet
    fi
  done
  # The same sweep sharded and merged, with one thread and a small traffic budget.
  "$bin" sweep scenarios/retrain-frequency.yaml --shard 1/2 --out "$work/shard1" --quiet --threads 1 --traffic-memory 1
  "$bin" sweep scenarios/retrain-frequency.yaml --shard 2/2 --out "$work/shard2" --quiet
  capture "$out/runs/merged" "$bin" merge "$out/runs/merged" "$work/shard1" "$work/shard2" --quiet
  # A report and its figures rebuilt from run.sqlite alone.
  mkdir -p "$out/runs/rebuilt"
  cp "$out/runs/full-loop/run.sqlite" "$out/runs/rebuilt/"
  capture "$out/runs/rebuilt/report" "$bin" report "$out/runs/rebuilt"
  capture "$out/runs/rebuilt/plot" "$bin" plot "$out/runs/rebuilt"

  # The catalogue and the help of every command.
  capture "$out/cli/list" "$bin" list
  for family in $("$bin" list | grep -E '^[a-z-]+$'); do capture "$out/cli/list-$family" "$bin" list "$family"; done
  capture "$out/cli/list-nosuch" "$bin" list nosuch
  capture "$out/cli/help" "$bin" --help
  for c in run sweep merge validate list report plot detect distance traffic notebook dataset "dataset describe" \
           "dataset list" "dataset fetch" "dataset path" "notebook run"; do
    # shellcheck disable=SC2086
    capture "$out/cli/help-${c// /-}" "$bin" $c --help
  done

  # Validation messages of bad scenarios, and of every test scenario.
  for s in scripts/compare-outputs/bad/*.yaml "$out"/fixtures/*.yaml; do
    (cd "$(dirname "$s")" && capture "$out/validate/$(basename "$s" .yaml)" "$bin" validate "$(basename "$s")")
  done
  capture "$out/validate/all-shipped" "$bin" validate scenarios/*.yaml

  # Traffic, event by event.
  capture "$out/cli/traffic-quickstart" "$bin" traffic --from 28 --to 33
  capture "$out/cli/traffic-pipeline" "$bin" traffic scripts/compare-outputs/coverage-pipeline.yaml --replicate 1 --from 18d --to 22d
  capture "$out/cli/traffic-slices" "$bin" traffic "$work/slices-sqlite.yaml" --to 5

  # Detectors and distances on columns of a CSV file, and their errors.
  awk -F, 'NR == 1 {print "x0,x1,amount"} NR > 1 && $4 != "" {print $2 "," $3 "," $4}' "$work/slices.csv" >"$work/cols.csv"
  awk -F, 'NR > 1 && NR <= 4001 {print $1}' "$work/cols.csv" >"$work/first.csv"
  awk -F, 'NR > 4001 {print $1}' "$work/cols.csv" >"$work/second.csv"
  printf 'a,b\n1,2\n3,x\n' >"$work/badcell.csv"
  for d in adwin ddm eddm hddm_a hddm_w kswin page_hinkley; do
    capture "$out/cli/detect-$d" "$bin" detect --detector "$d" --column x0 "$work/cols.csv"
  done
  capture "$out/cli/detect-json" "$bin" detect --detector adwin --param delta=0.5 --column 1 --json "$work/cols.csv"
  capture "$out/cli/detect-single" "$bin" detect --detector page_hinkley --param threshold=5 "$work/first.csv"
  capture "$out/cli/detect-badparam" "$bin" detect --detector adwin --param delt=0.5 --column x0 "$work/cols.csv"
  capture "$out/cli/detect-badname" "$bin" detect --detector adwn --column x0 "$work/cols.csv"
  capture "$out/cli/detect-badcell" "$bin" detect --detector adwin --column b "$work/badcell.csv"
  capture "$out/cli/detect-nocolumn" "$bin" detect --detector adwin --column z "$work/badcell.csv"
  capture "$out/cli/detect-twocolumns" "$bin" detect --detector adwin "$work/badcell.csv"
  capture "$out/cli/detect-missing" "$bin" detect --detector adwin "$work/nosuch.csv"
  for m in ks wasserstein energy jensen_shannon chi_square psi hellinger l1 linf mmd nosuch; do
    capture "$out/cli/distance-$m" "$bin" distance --metric "$m" "$work/first.csv" "$work/second.csv"
  done
  capture "$out/cli/distance-json" "$bin" distance --metric ks --json --bins 5 "$work/first.csv" "$work/second.csv"

  # Dataset inference.
  capture "$out/cli/describe-slices" "$bin" dataset describe "$work/slices.csv"
  capture "$out/cli/describe-slices-sqlite" "$bin" dataset describe "$work/slices.sqlite" --table events --json
  capture "$out/cli/describe-elec2" "$bin" dataset describe "$FLYWHEEL_DATA/elec2.csv" --label class

  dump_databases "$out"
  # Paths of the temporary folder appear in some messages: name it the same in every run.
  grep -rlF "$work" "$out" | while read -r f; do sed -i "s|$work|WORK|g" "$f"; done
  grep -rlF "$out" "$out" | while read -r f; do sed -i "s|$out|OUT|g" "$f"; done
  rm -rf "$work"
}

if [ ! -e "$ref" ]; then
  produce "$ref"
  echo "reference written to $ref ($(find "$ref" -type f | wc -l) files)"
  exit 0
fi

new=${KEEP:-$(mktemp -d)}
rm -rf "$new"
produce "$new"
# Files only in the new outputs come from scenarios added to the tests since the reference: listed,
# not a difference.
changes=$(diff -r -q "$ref" "$new" | grep -v "^Only in $new" || true)
added=$(diff -r -q "$ref" "$new" | grep -c "^Only in $new" || true)
if [ -z "$changes" ]; then
  echo "identical: $(find "$ref" -type f | wc -l) files of the reference ($added new)"
  [ -n "${KEEP:-}" ] || rm -rf "$new"
  exit 0
fi
echo "DIFFERENT:"
echo "$changes" | head -50
echo "(new outputs kept in $new)"
exit 1
