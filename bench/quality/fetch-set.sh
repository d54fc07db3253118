#!/usr/bin/env bash
# Fetches the labelled images of bench/quality/labels.json into a cache outside the repository:
# each Debian package (apt-get download, at the listed version when the archive still has it) and
# npm tarball (npm pack) is downloaded once, only the listed files are extracted, and every file is
# checked against its sha256. The images are never committed: only their labels are.
#   bash bench/quality/fetch-set.sh          # then: npm run bench:quality
# Needs apt-get (Debian's lists: run `apt-get update` once first), dpkg-deb, npm, node, sha256sum.
# PIXTAG_QUALITY_DIR: the cache (default ~/.cache/pixtag-quality); images land in $DIR/images.
set -euo pipefail

labels="$(cd "$(dirname "$0")" && pwd)/labels.json"
dir="${PIXTAG_QUALITY_DIR:-$HOME/.cache/pixtag-quality}"
mkdir -p "$dir/debs" "$dir/npm" "$dir/images"

# One line per source: id, deb|npm, package, version, then the paths to extract from it.
listing="$(node -e '
  const { sources, images } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const [id, s] of Object.entries(sources)) {
    const paths = images.filter((i) => i.source === id).map((i) => i.path);
    if (paths.length) console.log([id, s.deb ? "deb" : "npm", s.deb ?? s.npm, s.version, ...paths].join("\t"));
  }' "$labels")"

while IFS=$'\t' read -r -a fields; do
  id="${fields[0]}" kind="${fields[1]}" name="${fields[2]}" version="${fields[3]}"
  paths=("${fields[@]:4}")
  out="$dir/images/$id"
  missing=0
  for p in "${paths[@]}"; do [[ -f "$out/$p" ]] || missing=1; done
  if [[ $missing == 0 ]]; then continue; fi
  mkdir -p "$out"
  if [[ $kind == deb ]]; then
    # Debian file names write the epoch's colon as %3a.
    deb="$(ls "$dir/debs/${name}_"*.deb 2>/dev/null | head -n 1 || true)"
    if [[ -z $deb ]]; then
      (cd "$dir/debs" && { apt-get download -q "$name=$version" || apt-get download -q "$name"; })
      deb="$(ls "$dir/debs/${name}_"*.deb | head -n 1)"
    fi
    echo "$id: extracting ${#paths[@]} file(s) from $(basename "$deb")"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out" "${paths[@]/#/./}"
    rm -f "$deb" # the images are what is kept; a package is fetched again only for new labels
  else
    tgz="$(ls "$dir/npm/"*.tgz 2>/dev/null | grep -F "/$(echo "${name#@}" | tr / -)-$version.tgz" || true)"
    if [[ -z $tgz ]]; then
      tgz="$dir/npm/$(cd "$dir/npm" && npm pack --silent "$name@$version" | tail -n 1)"
    fi
    echo "$id: extracting ${#paths[@]} file(s) from $(basename "$tgz")"
    tar -xzf "$tgz" -C "$out" "${paths[@]}"
    rm -f "$tgz"
  fi
done <<<"$listing"

# Every image, byte for byte as labelled.
node -e '
  const { images } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const i of images) console.log(`${i.sha256}  ${i.source}/${i.path}`);' "$labels" \
  | (cd "$dir/images" && sha256sum --quiet -c -)
echo "$(node -p 'require(process.argv[1]).images.length' "$labels") images checked in $dir/images"
