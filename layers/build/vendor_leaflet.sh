#!/usr/bin/env bash
# Fetch Leaflet from the npm registry and place its dist files in geonet/static/leaflet/, so that the maps
# geonet writes are self-contained (no CDN: they open offline, and behind networks that block CDNs).
set -euo pipefail
VERSION="${LEAFLET_VERSION:-1.9.4}"
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/../../geonet/static/leaflet"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "leaflet@$VERSION" --silent >/dev/null 2>&1 && tar xzf "leaflet-$VERSION.tgz")
mkdir -p "$dest"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$dest/"
echo "$VERSION" > "$dest/VERSION"
echo "leaflet $VERSION -> $dest"
