#!/usr/bin/env bash
# Installs the Debian packages the tests run for real (Prometheus with promtool, Alertmanager with
# amtool, node-exporter, nginx; unzip unpacks the tests' helm and kubectl; openssl makes the
# tests' throwaway certificates) when they are missing.
# Needs root or sudo. The packages' services are kept from starting: the tests start the binaries
# themselves, on loopback ports of their own.
set -uo pipefail
DEBIAN_PACKAGES=(prometheus prometheus-alertmanager prometheus-node-exporter nginx-light unzip openssl)
log() { printf '\n== %s\n' "$*" >&2; }

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v unzip >/dev/null || missing+=(unzip)
command -v openssl >/dev/null || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # The packages' services must not start on their own: the tests run the binaries themselves.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >&2
  rc=$?
  $SUDO rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || { echo "could not install ${DEBIAN_PACKAGES[*]} (apt-get exit $rc)" >&2; exit 1; }
fi
# Stop any packaged service that was started anyway, so its ports are free.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter nginx; do
  pkill -x "$svc" >/dev/null 2>&1 || true
done

exit 0
