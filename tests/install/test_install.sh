#!/usr/bin/env bash
# Installs ftstress as a user would and runs it with no access to the clone:
#   1. cmake --install with DESTDIR into a staging dir, then the prefix moved
#      (relocatable: the tool finds its files beside its executable);
#   2. the source and build dirs renamed for the duration, so nothing can be
#      read from them; run, test, fuzz and doctor from another directory;
#   3. doctor with llvm-symbolizer missing from PATH reports it with its fix;
#   4. cpack -G DEB, dpkg -i, the packaged ftstress --version and doctor,
#      dpkg -r (only as root, where dpkg can install).
# usage: test_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tmp=$(mktemp -d /tmp/ftstress-install-XXXXXX)
hidden_src="$src.hidden-$$"
hidden_build="$build.hidden-$$"
# A build dir inside the source dir goes away with it.
case $build/ in "$src"/*) hidden_build="" ;; esac
hide() {
	mv "$src" "$hidden_src"
	[ -z "$hidden_build" ] || mv "$build" "$hidden_build"
}
restore() {
	[ ! -d "$hidden_src" ] || mv "$hidden_src" "$src"
	[ -z "$hidden_build" ] || [ ! -d "$hidden_build" ] || mv "$hidden_build" "$build"
	rm -rf "$tmp"
}
trap restore EXIT
trap 'exit 130' INT TERM
fail() { echo "test_install: FAILED: $*"; exit 1; }
say() { echo "test_install: $*"; }

# 1. Install staged, then move the prefix.
DESTDIR="$tmp/stage" cmake --install "$build" --prefix /opt/ftstress > "$tmp/install.log"
for f in bin/ftstress lib/ftstress/libftshim.so share/ftstress/scenarios/harness.py \
	share/ftstress/src/runtime/build_runtime.sh share/ftstress/src/runtime/tsan_report_hook.c \
	share/ftstress/src/tsan/ftstress.supp share/man/man1/ftstress.1 \
	share/bash-completion/completions/ftstress; do
	[ -e "$tmp/stage/opt/ftstress/$f" ] || fail "cmake --install did not install $f"
done
mv "$tmp/stage/opt/ftstress" "$tmp/moved"
ft="$tmp/moved/bin/ftstress"
grep -q '^\.SS "fuzz TARGET"' "$tmp/moved/share/man/man1/ftstress.1" || fail "the man page lacks the fuzz command"
grep -q -- '--ops' "$tmp/moved/share/bash-completion/completions/ftstress" || fail "the completion lacks --ops"
bash -n "$tmp/moved/share/bash-completion/completions/ftstress" || fail "the completion is not valid bash"
say "installed and moved to $tmp/moved"

# Inputs the runs below need, copied before the clone disappears.
mkdir -p "$tmp/work/tests"
cp "$src/tests/data/pytests/test_pass.py" "$tmp/work/tests/"
printf 'import threading\nlock = threading.Lock()\nitems = []\n\ndef test_append():\n    with lock:\n        items.append(1)\n' > "$tmp/work/tests/test_locked.py"

# 2. No clone: the source and build dirs are renamed until the end.
hide
if [ -e "$src" ] || [ -e "$build" ]; then fail "the clone is still there"; fi
cd "$tmp/work"
"$ft" --version | grep -q '^ftstress ' || fail "--version"
out=$("$ft" doctor 2>&1) || fail "doctor of the installed tool exited $?: $out"
grep -q "runtime verify" <<< "$out" || fail "doctor names no runtime check: $out"
say "doctor: ready"
status=0
out=$("$ft" run -n 40 -r 1 --corpus "$tmp/corpus" "$tmp/moved/share/ftstress/scenarios/builtin/counter_global.py" 2>&1) || status=$?
[ "$status" = 1 ] || fail "run of the installed counter_global exited $status: $out"
grep -q '\[FAIL\] counter_global' <<< "$out" || fail "run did not find the lost updates: $out"
if grep -q "$src/" <<< "$out"; then fail "run's output names the clone: $out"; fi
say "run: counter_global's lost updates found"
status=0
out=$("$ft" test -n 2 tests/ 2>&1) || status=$?
[ "$status" = 0 ] || fail "test of two passing files exited $status: $out"
grep -q 'passed' <<< "$out" || fail "test printed no summary: $out"
say "test: $(grep -E 'passed' <<< "$out" | tail -n 1)"
status=0
out=$("$ft" fuzz "$tmp/moved/share/ftstress/scenarios/fuzz_targets/bytesio_locked.py" --time 5 \
	--corpus "$tmp/corpus" 2>&1) || status=$?
[ "$status" = 0 ] || fail "fuzz of the locked BytesIO target exited $status: $out"
say "fuzz: the locked BytesIO target ran quiet"

# 3. A missing llvm-symbolizer, simulated by a PATH of every other tool.
mkdir "$tmp/path"
for tool in /usr/bin/*; do
	case ${tool##*/} in llvm-symbolizer*) continue ;; esac
	ln -s "$tool" "$tmp/path/${tool##*/}"
done
status=0
out=$(PATH="$tmp/path" "$ft" doctor 2>&1) || status=$?
[ "$status" = 1 ] || fail "doctor without llvm-symbolizer exited $status: $out"
grep -q 'FAIL  symbolizer' <<< "$out" || fail "doctor did not flag the symbolizer: $out"
grep -q 'fix: sudo apt-get install llvm' <<< "$out" || fail "doctor gave no fix: $out"
say "doctor: a missing llvm-symbolizer is reported with its fix"

cd /
restore_dirs() {
	mv "$hidden_src" "$src"
	[ -z "$hidden_build" ] || mv "$hidden_build" "$build"
}
restore_dirs

# 4. The Debian package, where this user can install one.
if [ "$(id -u)" = 0 ] && command -v dpkg > /dev/null; then
	if dpkg-query -W -f='${Status}' ftstress 2> /dev/null | grep -q 'install ok installed'; then
		say "skipping the package check: an ftstress package is installed already"
		exit 0
	fi
	(cd "$build" && cpack -G DEB -B "$tmp/deb" > "$tmp/cpack.log") || { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
	deb=$(ls "$tmp"/deb/ftstress_*.deb)
	dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i $deb"; }
	packaged_ok=0
	/usr/bin/ftstress --version | grep -q '^ftstress ' && /usr/bin/ftstress doctor > "$tmp/doctor.log" 2>&1 && packaged_ok=1
	dpkg -r ftstress > /dev/null 2>&1 || fail "dpkg -r ftstress"
	[ "$packaged_ok" = 1 ] || { cat "$tmp/doctor.log"; fail "the packaged ftstress did not run"; }
	say "package: $(basename "$deb") installs, runs --version and doctor, and is removed"
fi
say "ok"
