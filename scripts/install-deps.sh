#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and benchmarking ccvm needs.
# Idempotent; run as root (CI does) or through sudo.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3 ccache
  libssl-dev openssl
  libvirt-dev libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils ovmf
  libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev systemd dbus
  libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  nlohmann-json3-dev libcpp-httplib-dev python3-jwcrypto
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev
  libxml2-dev libxml2-utils clang-format
  busybox-static cpio linux-image-amd64 groff-base
)
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}"
