#!/usr/bin/env bash
# Installs everything the build, the tests and the demo need, on a Debian
# bookworm machine: Debian packages, the Apache Kafka broker's jars (Maven
# Central) and buf (npm). Idempotent: when everything is there it checks and
# returns in about a second, printing nothing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache"

# Debian packages: the toolchain, the libraries the stages link, and the
# tools the tests and scripts call.
packages=(
  bazel-bootstrap g++ pkg-config clang-format clang libclang-rt-14-dev
  protobuf-compiler libprotobuf-dev libabsl-dev
  librdkafka-dev prometheus-cpp-dev libcivetweb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsimdjson-dev libpugixml-dev libgumbo-dev libutf8proc-dev libicu-dev
  libcld2-dev libhyperscan-dev libre2-dev libxxhash-dev libyaml-cpp-dev
  libcurl4-openssl-dev librocksdb-dev libarchive-dev iso-codes
  default-jre-headless maven kcat curl iproute2 git prometheus
  chromium
  python3 python3-yaml openssl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
sudo_cmd=()
[[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# kubectl renders the Kubernetes manifests in their test (kubectl
# kustomize). Any kubectl will do; Debian's is kubernetes-client.
if ! command -v kubectl >/dev/null; then
  echo "setup: installing Debian's kubernetes-client (kubectl)"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    --no-install-recommends kubernetes-client >/dev/null
fi

# Node.js and npm (for buf) come with the machine; install Debian's if not.
if ! command -v npm >/dev/null; then
  echo "setup: installing Node.js and npm"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
    nodejs npm >/dev/null
fi

# The Kafka broker: resolved from Maven Central by deploy/kafka/pom.xml.
# A stamp of the pom's hash tells when to fetch again.
pom="$root/deploy/kafka/pom.xml"
stamp="$(sha256sum "$pom" | cut -c1-16)"
if [[ "$(cat "$cache/kafka/stamp" 2>/dev/null)" != "$stamp" ]]; then
  echo "setup: fetching the Apache Kafka broker from Maven Central"
  rm -rf "$cache/kafka/libs"
  mkdir -p "$cache/kafka"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$cache/kafka/libs" >"$cache/kafka/mvn.log" 2>&1 || {
    echo "setup: Maven could not fetch the broker; see $cache/kafka/mvn.log" >&2
    exit 1
  }
  echo "$stamp" >"$cache/kafka/stamp"
fi

# buf: protobuf lint and breaking-change checks; the npm package carries
# the binary.
buf_version=1.75.0
if [[ "$("$cache/buf/node_modules/.bin/buf" --version 2>/dev/null)" != "$buf_version" ]]; then
  echo "setup: installing buf $buf_version from npm"
  mkdir -p "$cache/buf"
  npm install --no-audit --no-fund --silent --prefix "$cache/buf" \
    "@bufbuild/buf@$buf_version" >/dev/null
fi

# The dashboard's browser test: Debian's chromium (above) driven by
# playwright-core from npm, which never downloads a browser of its own.
playwright_version=1.65.2
browser_dir="$cache/dashboard-browser"
if [[ "$(node -p "require('$browser_dir/node_modules/playwright-core/package.json').version" 2>/dev/null)" != "$playwright_version" ]]; then
  echo "setup: installing playwright-core $playwright_version from npm"
  mkdir -p "$browser_dir"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
    --prefix "$browser_dir" "playwright-core@$playwright_version" >/dev/null
fi
