#!/usr/bin/env bash
# Runs clang-tidy with the project's .clang-tidy over the runner's and the
# shims' sources, using the build's compile_commands.json; fails on any
# diagnostic of the checks that are errors here (bugprone, misleading
# indentation, redundant expressions). The clang static analyser's findings
# are printed but do not fail the check: clang 14's va_list checker reports
# every vsnprintf as uninitialised.
# usage: check_tidy.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
cd "$1"
# src/runtime/ is appended to CPython's own source, not built here.
files=$(find src shims -name '*.c' -not -path 'src/runtime/*' | sort)
# shellcheck disable=SC2086
out=$(clang-tidy -p "$2" --quiet $files 2>/dev/null || true)
grep -E 'warning:|error:' <<< "$out" || true
bad=$(grep -E '(warning|error):.*\[(bugprone|misc-redundant|readability-misleading|clang-diagnostic-error)' <<< "$out" || true)
if [ -n "$bad" ]; then
	echo "clang-tidy: $(wc -l <<< "$bad") diagnostics that fail the build"
	exit 1
fi
echo "clang-tidy: clean"
