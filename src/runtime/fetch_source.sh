#!/usr/bin/env bash
# Fetch the embedded default CPython source (Debian's python3.13 source package)
# through apt's own machinery and print the path of the verified upstream tarball.
#
# usage: fetch_source.sh DEST_DIR
#
# The Debian suite that still serves the pinned version (sid) is usually not in
# the machine's sources, so a private apt configuration is made under DEST_DIR
# whose mirror is taken from the machine's own apt sources: ftstress never names
# a mirror itself, it uses whichever one this machine is set up to reach.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=/dev/null
. "$here/default-source.conf"

die() { echo "ftstress: fetch-source: $*" >&2; exit 1; }

dest=${1:?usage: fetch_source.sh DEST_DIR}
mkdir -p "$dest"
tarball="$dest/$orig"

verify() {
	local got
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$sha256" ] || {
		echo "ftstress: fetch-source: checksum mismatch for $1" >&2
		echo "  expected sha256 $sha256" >&2
		echo "  got      sha256 $got" >&2
		return 1
	}
}

if [ -f "$tarball" ] && verify "$tarball" 2>/dev/null; then
	echo "$tarball"
	exit 0
fi

# The machine's Debian mirror: the first archive URI of a Debian suite in its
# apt sources (deb822 .sources files or one-line sources.list entries), leaving
# out the security archive, which serves no sid.
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
mirror=$(find_mirror | grep -v -i security | grep -E '/debian/?$' | head -n 1 || true)
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d (need a 'URIs: .../debian' entry)"

command -v apt-get >/dev/null || die "apt-get not found: the default source comes from Debian's archive (or set FTSTRESS_PYTHON_SOURCE to a CPython source tree)"
command -v dpkg-source >/dev/null || die "dpkg-source not found: install the Debian package 'dpkg-dev'"

aptdir="$dest/apt"
mkdir -p "$aptdir/etc/sources.list.d" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
: > "$aptdir/etc/sources.list"
cat > "$aptdir/etc/sources.list.d/ftstress-src.sources" <<SRC
Types: deb-src
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts=(
	-o "Dir::Etc::SourceList=$aptdir/etc/sources.list"
	-o "Dir::Etc::SourceParts=$aptdir/etc/sources.list.d"
	-o "Dir::State::Lists=$aptdir/lists"
	-o "Dir::Cache=$aptdir/cache"
	-o "APT::Sandbox::User=root"
	-q
)
log="$dest/fetch.log"
echo "ftstress: fetching $package $debian_version source from the $suite suite of $mirror" >&2
apt-get "${apt_opts[@]}" update > "$log" 2>&1 ||
	die "apt-get update of the private $suite source list failed; see $log"
(cd "$dest" && apt-get "${apt_opts[@]}" source --download-only "$package=$debian_version") >> "$log" 2>&1 ||
	die "apt-get source $package=$debian_version failed (is it still served by $suite?); see $log"
[ -f "$tarball" ] || die "apt fetched the package but $tarball is missing; see $log"
verify "$tarball" || die "refusing to build from $tarball"
echo "$tarball"
