#!/usr/bin/env bash
# Provision a venv made on a ftstress runtime without a package index: the
# build backend (setuptools) and pytest, from Debian's archive.
#
# usage: venv_deps.sh VENV_DIR CACHE_DIR
#
# What it installs, and why from there (measured on the TSan runtime):
# - setuptools 84.0.0 from its upstream sdist, which Debian's archive serves
#   as the orig tarball of source package setuptools 84.0.0-2 (suite forky;
#   its debian.tar.xz answers 404, so apt-get source fails after fetching
#   the orig tarball, which is then checked against its pinned sha256). Debian's own
#   python3-setuptools-whl / python3-wheel-whl are Debian-patched and fail on a
#   plain CPython (AttributeError: install_layout): not used.
#   pip install --no-index --no-build-isolation installs the sdist (about 40 s).
# - pytest 9.1.1 and what it imports (pluggy, iniconfig, packaging, pygments):
#   pure Python, from sid's binary .debs, unpacked (dpkg -x) under the venv and
#   put on its path by a .pth file in site-packages.
# Downloads are kept in CACHE_DIR and reused. The apt configuration is private
# (under CACHE_DIR/apt), its mirror the first Debian one of this machine's apt
# sources, as for the runtime's source (fetch_source.sh).
set -euo pipefail

die() { echo "ftstress: venv: $*" >&2; exit 1; }

venv=${1:?usage: venv_deps.sh VENV_DIR CACHE_DIR}
cache=${2:?usage: venv_deps.sh VENV_DIR CACHE_DIR}
suites="sid forky"
setuptools_version=84.0.0
setuptools_debian=84.0.0-2
setuptools_sha256=f4695c21257f0d9b537ec2692c941d02ee143b7cc1276941349a546573b2ef73
debs=(python3-pytest python3-pluggy python3-iniconfig python3-packaging python3-pygments)

py="$venv/bin/python"
[ -x "$py" ] || die "$venv is not a venv (no bin/python)"
mkdir -p "$cache"
log="$cache/fetch.log"

find_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" || $1 == "deb-src" {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' "$f"
	done
}

apt_ready=
apt_opts=()
setup_apt() {
	[ -z "$apt_ready" ] || return 0
	command -v apt-get >/dev/null || die "apt-get not found: without a package index, setuptools and pytest come from Debian's archive"
	local mirror aptdir
	mirror=$(find_mirror | grep -v -i security | grep -E '/debian/?$' | head -n 1 || true)
	[ -n "$mirror" ] || die "no Debian mirror found in the apt sources (need a 'URIs: .../debian' entry)"
	aptdir="$cache/apt"
	mkdir -p "$aptdir/etc/sources.list.d" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
	: > "$aptdir/etc/sources.list"
	cat > "$aptdir/etc/sources.list.d/ftstress-venv.sources" <<SRC
Types: deb deb-src
URIs: $mirror
Suites: $suites
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_opts=(
		-o "Dir::Etc::SourceList=$aptdir/etc/sources.list"
		-o "Dir::Etc::SourceParts=$aptdir/etc/sources.list.d"
		-o "Dir::State::Lists=$aptdir/lists"
		-o "Dir::Cache=$aptdir/cache"
		-o "Dir::State::Status=$aptdir/status"
		-o "APT::Sandbox::User=root"
		-q
	)
	: > "$aptdir/status"
	echo "ftstress: venv: reading the $suites package lists of $mirror" >&2
	apt-get "${apt_opts[@]}" update >> "$log" 2>&1 || die "apt-get update of the private $suites lists failed; see $log"
	apt_ready=1
}

# setuptools: the upstream sdist inside Debian's source package.
sdist="$cache/setuptools-$setuptools_version"
if [ ! -f "$sdist/pyproject.toml" ]; then
	orig="$cache/setuptools_$setuptools_version.orig.tar.gz"
	if [ ! -f "$orig" ]; then
		setup_apt
		echo "ftstress: venv: fetching setuptools $setuptools_debian source" >&2
		(cd "$cache" && apt-get "${apt_opts[@]}" source --download-only "setuptools=$setuptools_debian") >> "$log" 2>&1 || true
		[ -f "$orig" ] || die "apt-get source setuptools=$setuptools_debian did not fetch $orig; see $log"
	fi
	got=$(sha256sum "$orig" | cut -d' ' -f1)
	[ "$got" = "$setuptools_sha256" ] || die "checksum mismatch for $orig (expected sha256 $setuptools_sha256, got $got)"
	rm -rf "$sdist.tmp" && mkdir -p "$sdist.tmp"
	tar -xf "$orig" -C "$sdist.tmp" --strip-components=1 || die "cannot unpack $orig"
	rm -rf "$sdist" && mv "$sdist.tmp" "$sdist"
fi
if ! "$py" -c 'import setuptools' 2>/dev/null; then
	echo "ftstress: venv: installing setuptools $setuptools_version from its sdist (about 40 s)" >&2
	"$py" -m pip install --no-index --no-build-isolation --disable-pip-version-check -q "$sdist" >> "$log" 2>&1 ||
		die "pip could not install setuptools from $sdist; see $log"
fi

# pytest and what it imports: sid's .debs, unpacked beside the venv's own packages.
debdir="$cache/debs"
mkdir -p "$debdir"
missing=()
for p in "${debs[@]}"; do
	compgen -G "$debdir/${p}_*.deb" >/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	setup_apt
	echo "ftstress: venv: fetching ${missing[*]}" >&2
	(cd "$debdir" && apt-get "${apt_opts[@]}" download "${missing[@]}") >> "$log" 2>&1 ||
		die "apt-get download ${missing[*]} failed; see $log"
fi
unpacked="$venv/ftstress-debs"
rm -rf "$unpacked" && mkdir -p "$unpacked"
for deb in "$debdir"/*.deb; do
	dpkg -x "$deb" "$unpacked" || die "cannot unpack $deb"
done
site=$("$py" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
echo "$unpacked/usr/lib/python3/dist-packages" > "$site/ftstress-debian-deps.pth"
"$py" -c 'import pytest, sys; sys.stdout.write("ftstress: venv: pytest %s\n" % pytest.__version__)' >&2 ||
	die "pytest does not import in $venv; see $log"
