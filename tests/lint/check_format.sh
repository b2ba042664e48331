#!/usr/bin/env bash
# Fails when a C file of the project is not formatted as .clang-format says.
# usage: check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
# src/runtime/ is appended to CPython's own source (its hash keys the runtime
# cache) and tests/data/ holds inputs: neither is ours to reformat.
files=$(git ls-files 'src/*.c' 'src/*.h' 'shims/*.c' 'shims/*.h' 'tests/*.c' 'tests/*.h' ':!src/runtime' ':!tests/data' 2> /dev/null ||
	find src shims tests -name '*.[ch]' -not -path 'src/runtime/*' -not -path 'tests/data/*')
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "clang-format: $(wc -w <<< "$files") files formatted"
