#!/usr/bin/env bash
# Build (once) and verify an instrumented free-threaded CPython runtime, then
# print its directory. A second call with the same source and flavour only prints it.
#
# usage: build_runtime.sh [--flavour tsan|release] [--source PATH] [--jobs N] [--quiet]
#
#   --flavour tsan     --disable-gil --with-thread-sanitizer --enable-shared (default)
#   --flavour release  --disable-gil --enable-shared, no TSan: fast stress runs
#   --source PATH      a CPython >= 3.13 source tree or release tarball
#                      (default: $FTSTRESS_PYTHON_SOURCE, else Debian's python3.13)
#
# Cache layout, under $FTSTRESS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/ftstress):
#   sources/                  downloaded default source
#   build/KEY/                the build tree, kept so debug info points at real files
#   runtimes/KEY/             the installed runtime and its manifest
#   runtimes/default-FLAVOUR  a link to the runtime of the embedded default source
# KEY = cpython-VERSION-FLAVOUR-SRCHASH-FLAGSHASH. A runtime is installed into a
# staging directory and renamed into runtimes/ only after verification passed,
# so a half-built or unverified runtime is never picked up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
flavour=tsan
source_arg=${FTSTRESS_PYTHON_SOURCE:-}
jobs=$(nproc 2>/dev/null || echo 2)
quiet=0

die() { echo "ftstress: runtime build: $*" >&2; exit 1; }
say() { [ "$quiet" = 1 ] || echo "ftstress: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--flavour) flavour=${2:?--flavour needs tsan or release}; shift 2 ;;
	--flavour=*) flavour=${1#*=}; shift ;;
	--source) source_arg=${2:?--source needs a path}; shift 2 ;;
	--source=*) source_arg=${1#*=}; shift ;;
	--jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done

case "$flavour" in
tsan) flags="--disable-gil --with-thread-sanitizer --enable-shared --without-ensurepip" ;;
release) flags="--disable-gil --enable-shared --without-ensurepip" ;;
*) die "unknown flavour '$flavour' (tsan or release)" ;;
esac

command -v clang >/dev/null || die "clang not found: install the Debian package 'clang'"
cache=${FTSTRESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ftstress}
mkdir -p "$cache/sources" "$cache/build" "$cache/runtimes" "$cache/staging" "$cache/locks"

# --- the source: a tarball to unpack, or a tree to copy -------------------------
default_source=0
if [ -z "$source_arg" ]; then
	default_source=1
	source_arg=$("$here/fetch_source.sh" "$cache/sources") || die "step 'fetch source' failed"
fi
[ -e "$source_arg" ] || die "step 'source': $source_arg does not exist"
source_arg=$(cd "$(dirname "$source_arg")" && pwd)/$(basename "$source_arg")

if [ -f "$source_arg" ]; then
	src_hash=$(sha256sum "$source_arg" | cut -c1-12)
	src_desc="tarball $source_arg"
	[ "$default_source" = 1 ] && src_desc="debian python3.13 $(. "$here/default-source.conf"; echo "$debian_version") ($source_arg)"
	version=$(tar -xOf "$source_arg" --wildcards '*/Include/patchlevel.h' 2>/dev/null |
		sed -n 's/^#define PY_VERSION[[:space:]]*"\(.*\)".*/\1/p' | head -n1)
elif [ -d "$source_arg" ]; then
	[ -f "$source_arg/Include/patchlevel.h" ] || die "step 'source': $source_arg is not a CPython source tree (no Include/patchlevel.h)"
	if git -C "$source_arg" rev-parse HEAD >/dev/null 2>&1; then
		# A checkout is identified by its commit and any uncommitted change.
		src_hash=$( { git -C "$source_arg" rev-parse HEAD; git -C "$source_arg" diff HEAD; } | sha256sum | cut -c1-12)
	else
		src_hash=$(cd "$source_arg" && find . -type f \( -name '*.c' -o -name '*.h' -o -name '*.py' -o -name 'configure' \) -newer Include/patchlevel.h -printf '%P %s %T@\n' | sort |
			{ cat; sha256sum Include/patchlevel.h; } | sha256sum | cut -c1-12)
	fi
	src_desc="tree $source_arg"
	version=$(sed -n 's/^#define PY_VERSION[[:space:]]*"\(.*\)".*/\1/p' "$source_arg/Include/patchlevel.h" | head -n1)
else
	die "step 'source': $source_arg is neither a file nor a directory"
fi
[ -n "$version" ] || die "step 'source': no PY_VERSION in Include/patchlevel.h of $source_arg"
case "$version" in
3.1[3-9]*|3.[2-9][0-9]*) ;;
*) die "step 'source': CPython $version has no free-threaded build; need 3.13 or newer" ;;
esac

cc_version=$(clang --version | head -n1)
# The report hook, with the frame decoder it reads Python stacks with, is part
# of what the tsan flavour is built from.
hook_files=("$here/pyframe_decode.h" "$here/pyframe_decode.c" "$here/tsan_report_hook.c")
hook_hash=""
[ "$flavour" = tsan ] && hook_hash=$(cat "${hook_files[@]}" | sha256sum | cut -c1-16)
flags_hash=$(printf '%s\n%s\n%s\n' "$flags" "$cc_version" "$hook_hash" | sha256sum | cut -c1-8)
key="cpython-$version-$flavour-$src_hash-$flags_hash"
final="$cache/runtimes/$key"

link_default() {
	[ "$default_source" = 1 ] || return 0
	ln -sfn "$key" "$cache/runtimes/.default-$flavour.tmp" && mv -T "$cache/runtimes/.default-$flavour.tmp" "$cache/runtimes/default-$flavour"
}

if [ -f "$final/manifest" ]; then
	link_default
	echo "$final"
	exit 0
fi

# One build per key at a time; a second caller waits and then finds it built.
exec 9> "$cache/locks/$key.lock"
if ! flock -n 9; then
	say "another build of $key is running; waiting for it"
	flock 9
fi
if [ -f "$final/manifest" ]; then
	link_default
	echo "$final"
	exit 0
fi

build="$cache/build/$key"
log="$build.log"
# A build tree whose configure finished is reused: after a failed make, install
# or verify, the next call continues incrementally instead of starting over.
configured="$build/.ftstress-configured"
say "building CPython $version ($flavour) from $src_desc"
say "  configure $flags"
say "  log: $log"

step_failed() {
	echo "ftstress: runtime build: step '$1' failed; last lines of $log:" >&2
	tail -n 25 "$log" | sed 's/^/  | /' >&2
	echo "ftstress: full log: $log" >&2
	exit 1
}

if [ ! -f "$configured" ]; then
	rm -rf "$build"
	mkdir -p "$build"
	: > "$log"
	if [ -f "$source_arg" ]; then
		tar -xf "$source_arg" -C "$build" --strip-components=1 >> "$log" 2>&1 || step_failed unpack
	else
		# Copy the tree (without its own build products) so the user's checkout stays untouched.
		(cd "$source_arg" && tar --exclude=.git -cf - .) | tar -xf - -C "$build" >> "$log" 2>&1 || step_failed copy-source
		(cd "$build" && make distclean >/dev/null 2>&1 || true)
	fi
	if [ "$flavour" = tsan ]; then
		# The executable gets ftstress's TSan report hook (see the file's comment):
		# __tsan_on_report can only be overridden from inside the executable.
		# The decoder's header sits beside python.c, which gets the decoder and the hook.
		{ cp "$here/pyframe_decode.h" "$build/Programs/" &&
			{ printf '\n'; cat "$here/pyframe_decode.c"; printf '\n'; cat "$here/tsan_report_hook.c"; } >> "$build/Programs/python.c"; } ||
			step_failed add-report-hook
	fi
	# Debug info is kept (-g) so the shims and the report unwinder can name files and
	# lines inside the interpreter. The rpath is relative to the executable, so the
	# runtime runs in place from both the staging and the final directory.
	(
		cd "$build"
		CC=clang CXX=clang++ LDFLAGS='-Wl,-rpath,\$$ORIGIN/../lib' \
			./configure --prefix="$final" $flags
	) >> "$log" 2>&1 || step_failed configure
	touch "$configured"
else
	say "  reusing the configured build tree $build"
fi
say "  make -j$jobs (about 10 minutes on 2 cores for the tsan flavour)"
make -C "$build" -j"$jobs" >> "$log" 2>&1 || step_failed make

stage=$(mktemp -d "$cache/staging/$key.XXXXXX")
trap 'rm -rf "$stage"' EXIT
make -C "$build" install DESTDIR="$stage" >> "$log" 2>&1 || step_failed install
staged="$stage$final"

# The runtime's own suppressions for known-benign interpreter races ship with it.
mkdir -p "$staged/share/ftstress"
supp=""
if [ -f "$build/Tools/tsan/suppressions_free_threading.txt" ]; then
	cp "$build/Tools/tsan/suppressions_free_threading.txt" "$staged/share/ftstress/"
	supp="$final/share/ftstress/suppressions_free_threading.txt"
fi
[ "$flavour" = tsan ] && [ -z "$supp" ] && die "step 'suppressions': $build/Tools/tsan/suppressions_free_threading.txt is missing"

abi=$(cd "$staged/bin" && ls python3.*t 2>/dev/null | grep -E '^python3\.[0-9]+t$' | head -n1)
[ -n "$abi" ] || step_failed "find-interpreter (no bin/python3.Nt installed)"
python="$staged/bin/$abi"
libpython=$(cd "$staged/lib" && ls lib"${abi}".so.* 2>/dev/null | head -n1)
[ -n "$libpython" ] || step_failed "find-libpython"

say "  verifying"
"$here/verify_runtime.sh" "$flavour" "$python" "$staged/lib/$libpython" >> "$log" 2>&1 || step_failed verify

{
	echo "# ftstress runtime manifest: key=value, one a line"
	echo "format=1"
	echo "key=$key"
	echo "version=$version"
	echo "flavour=$flavour"
	echo "configure_flags=$flags"
	echo "cc=$cc_version"
	echo "source=$src_desc"
	echo "source_hash=$src_hash"
	echo "prefix=$final"
	echo "python=$final/bin/$abi"
	echo "libpython=$final/lib/$libpython"
	echo "include=$final/include/$(cd "$staged/include" && ls -d python3.* | head -n1)"
	echo "stdlib=$final/lib/$abi"
	echo "source_tree=$build"
	echo "suppressions=$supp"
	echo "gil_disabled=1"
	echo "tsan=$([ "$flavour" = tsan ] && echo 1 || echo 0)"
	echo "report_hook=$([ "$flavour" = tsan ] && echo pystacks || echo none)"
	echo "build_log=$log"
	echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$staged/manifest.tmp"
mv "$staged/manifest.tmp" "$staged/manifest"

mv -T "$staged" "$final" || die "step 'install': could not move $staged to $final"
link_default
say "runtime ready: $final"
echo "$final"
