#!/usr/bin/env bash
# Check that a freshly built runtime is what ftstress needs before anyone uses it.
# usage: verify_runtime.sh tsan|release PYTHON LIBPYTHON
# Prints what it checked; exits non-zero naming the first check that failed.
set -euo pipefail
flavour=$1 python=$2 libpython=$3
fail() { echo "verify: FAILED: $*"; exit 1; }

# The C-API functions the shims interpose on must be exported by libpython, or
# the preload would silently intercept nothing.
interposed="_Py_DecRefShared _Py_Dealloc Py_IncRef Py_DecRef PyList_Append PyList_SetItem
PyList_Insert PyList_GetItem PyDict_SetItem PyDict_DelItem PyDict_GetItem PyDict_GetItemRef
PySet_Add PySet_Discard PyNumber_InPlaceAdd PyObject_SetItem PyObject_SetAttr"
exported=$(nm -D --defined-only "$libpython" | awk '{print $3}')
for sym in $interposed; do
	grep -qx "$sym" <<< "$exported" || fail "libpython does not export $sym"
done
echo "verify: libpython exports the interposed C-API symbols"

"$python" -X gil=0 -c '
import sys, sysconfig
assert sys._is_gil_enabled() is False, "sys._is_gil_enabled() is not False"
assert sysconfig.get_config_var("Py_GIL_DISABLED") == 1, "Py_GIL_DISABLED is not 1"
print("verify: GIL disabled, Py_GIL_DISABLED=1,", sys.version.split()[0])
' || fail "the interpreter does not run free-threaded"

if [ "$flavour" = tsan ]; then
	# TSan is linked into the executable (clang links its runtime statically) and
	# libpython is instrumented (it calls into __tsan_*).
	# (nm's output is captured first: grep -q in a pipe under pipefail would
	# fail the check whenever nm is cut short by SIGPIPE.)
	exe_syms=$(nm -D "$python")
	grep -q ' T __tsan_init$' <<< "$exe_syms" || fail "the interpreter has no ThreadSanitizer runtime"
	lib_syms=$(nm -D "$libpython")
	grep -q ' U __tsan_func_entry$' <<< "$lib_syms" || fail "libpython is not instrumented by ThreadSanitizer"
	# The hook is linked in but not exported (python.c is built with hidden
	# visibility): the full symbol table, not the dynamic one, shows it.
	all_syms=$(nm "$python")
	grep -q ' [Tt] __tsan_on_report$' <<< "$all_syms" || fail "the interpreter lacks ftstress's TSan report hook"
	# A real race must be reported: two threads write one C global unlocked.
	pystacks=$(mktemp)
	out=$(FTSTRESS_PYSTACKS=$pystacks TSAN_OPTIONS=exitcode=0 "$python" -c '
import ctypes, threading
buf = ctypes.create_string_buffer(8)
def poke():
    for i in range(20000):
        ctypes.memset(buf, i & 255, 8)
ts = [threading.Thread(target=poke) for _ in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
' 2>&1 || true)
	reports=$(grep -c 'WARNING: ThreadSanitizer' <<< "$out" || true)
	[ "$reports" -gt 0 ] || fail "ThreadSanitizer did not report a deliberate race (probe output: $(head -c 300 <<< "$out"))"
	echo "verify: TSan runtime linked and reports a deliberate race ($reports report(s))"
	grep -q 'in poke$' "$pystacks" || fail "the TSan report hook wrote no Python stack naming poke() ($(head -c 300 "$pystacks"))"
	rm -f "$pystacks"
	echo "verify: the report hook records the racing thread's Python stack"
else
	exe_syms=$(nm -D "$python")
	grep -q '__tsan_init' <<< "$exe_syms" && fail "release flavour unexpectedly contains TSan"
	echo "verify: release flavour without TSan"
fi
echo "verify: ok"
