#!/usr/bin/env bash
# Builds racyext.c against a runtime, instrumented by TSan like the runtime itself.
# usage: build.sh RUNTIME_INCLUDE_DIR OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$2"
clang -fsanitize=thread -g -O1 -fPIC -shared -I"$1" -o "$2/racyext.so" "$here/racyext.c"
