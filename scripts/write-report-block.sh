#!/usr/bin/env bash
# Puts one benchmark's section into the performance report: replaces what stands between
# the section's markers (<!-- NAME:begin --> and <!-- NAME:end -->), or appends the section,
# under HEADING when one is given, if the report does not have it yet. Every bench-*.sh
# script writes its table through this, so the other sections are never touched.
#
#   scripts/write-report-block.sh NAME BODY_FILE REPORT [HEADING]
set -euo pipefail

name=$1
body=$2
report=$3
heading=${4:-}
begin="<!-- $name:begin -->"
end="<!-- $name:end -->"

[ -f "$report" ] || printf '# Performance\n' >"$report"
if grep -qxF "$begin" "$report" && grep -qxF "$end" "$report"; then
  awk -v body="$body" -v begin="$begin" -v end="$end" '
    $0 == begin { print; while ((getline line < body) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }' "$report" >"$report.tmp"
  mv "$report.tmp" "$report"
else
  {
    echo
    if [ -n "$heading" ]; then printf '## %s\n\n' "$heading"; fi
    echo "$begin"
    cat "$body"
    echo "$end"
  } >>"$report"
fi
