#!/usr/bin/env bash
# Installs the Debian packages tcpsim needs (libpcap headers, Wireshark/tcpdump for checking captures,
# tools for the live demo). Checks first with one dpkg-query; when everything is present it prints nothing
# and returns in well under a second. Otherwise runs `apt-get update` once and installs what is missing.
set -euo pipefail

packages=(libpcap-dev tshark tcpdump iputils-ping netcat-openbsd iproute2 python3-scapy curl tmux)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup: not a Debian-based system (no dpkg-query); install yourself: ${packages[*]}" >&2
    exit 0
fi

# One call for all packages; names dpkg has never heard of are simply absent from the output.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for package in "${packages[@]}"; do
    if ! grep -q "^${package} ii" <<<"$installed"; then
        missing+=("$package")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "setup: need root to install ${missing[*]} (run as root or install sudo)" >&2
        exit 1
    fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" apt-get update -q \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: failed to install ${missing[*]} (apt-get output above)" >&2
    exit 1
fi
echo "setup: installed ${missing[*]}"
