#!/usr/bin/env bash
# Make a standard venv on a ftstress runtime, with pip from the runtime's own
# ensurepip, and give it a build backend (setuptools) and pytest.
#
# usage: make_venv.sh PYTHON VENV_DIR DEPS CACHE_DIR
#   PYTHON     the runtime's interpreter
#   DEPS       auto: from the package index pip is configured with when it is
#              reachable, else from Debian's archive (venv_deps.sh);
#              index, debian: that one; none: pip only
#   CACHE_DIR  where Debian downloads are kept (reused by later venvs)
#
# Run by `ftstress venv`; TSan's reports are off for these steps (pip's own
# runs are not under test).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "ftstress: venv: $*" >&2; exit 1; }

python=${1:?usage: make_venv.sh PYTHON VENV_DIR DEPS CACHE_DIR}
venv=${2:?usage: make_venv.sh PYTHON VENV_DIR DEPS CACHE_DIR}
deps=${3:?usage: make_venv.sh PYTHON VENV_DIR DEPS CACHE_DIR}
cache=${4:?usage: make_venv.sh PYTHON VENV_DIR DEPS CACHE_DIR}
py="$venv/bin/python"

if [ -x "$py" ] && [ -f "$venv/pyvenv.cfg" ]; then
	echo "ftstress: venv: $venv exists; adding what it lacks" >&2
else
	echo "ftstress: venv: creating $venv with $python -m venv (about a minute under TSan)" >&2
	"$python" -m venv "$venv" || die "$python -m venv $venv failed"
fi

# The index pip would use: $PIP_INDEX_URL, else an index-url in a pip
# configuration file, else PyPI; reachable when a TCP connection opens within
# 5 seconds (pip itself would spend minutes on its retries).
index_reachable() {
	local url host port f
	url=${PIP_INDEX_URL:-}
	if [ -z "$url" ]; then
		for f in "${PIP_CONFIG_FILE:-}" "${XDG_CONFIG_HOME:-$HOME/.config}/pip/pip.conf" "$HOME/.pip/pip.conf" /etc/pip.conf "$venv/pip.conf"; do
			if [ -z "$f" ] || [ ! -f "$f" ]; then continue; fi
			url=$(sed -n 's/^[[:space:]]*index-url[[:space:]]*=[[:space:]]*//p' "$f" | head -n 1)
			[ -z "$url" ] || break
		done
	fi
	url=${url:-https://pypi.org/simple}
	host=${url#*://}
	host=${host%%/*}
	host=${host##*@}
	port=443
	case "$url" in http://*) port=80 ;; esac
	case "$host" in *:*) port=${host##*:}; host=${host%%:*} ;; esac
	timeout 5 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

if [ "$deps" = auto ]; then
	if index_reachable; then deps=index; else deps=debian; fi
	echo "ftstress: venv: setuptools and pytest from $([ "$deps" = index ] && echo 'the package index' || echo "Debian's archive (no package index reachable)")" >&2
fi
case "$deps" in
index)
	"$py" -m pip install --disable-pip-version-check -q setuptools pytest ||
		die "pip install setuptools pytest failed (offline? try --deps debian)"
	;;
debian)
	bash "$here/venv_deps.sh" "$venv" "$cache"
	;;
none) ;;
*) die "unknown deps mode '$deps'" ;;
esac

# Extensions built in the venv take the runtime's compiler flags from sysconfig.
"$py" - <<'PY' || die "the runtime's sysconfig does not compile extensions with -fsanitize=thread"
import sys, sysconfig
flags = " ".join(str(sysconfig.get_config_var(v) or "") for v in ("CFLAGS", "LDSHARED"))
if "-fsanitize=thread" not in flags:
    sys.exit("ftstress: venv: CFLAGS/LDSHARED lack -fsanitize=thread: " + flags)
PY
