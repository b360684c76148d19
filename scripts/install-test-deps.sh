#!/usr/bin/env bash
# Installs the Debian packages ftpswiz's tests drive for real (vsftpd, the
# clients, the firewall tools). Idempotent: does nothing when all are present.
set -euo pipefail

# tool -> Debian package
declare -A pkgs=(
  [vsftpd]=vsftpd [lftp]=lftp [curl]=curl [nft]=nftables [iptables-restore]=iptables
  [openssl]=openssl [ip]=iproute2 [ss]=iproute2 [tmux]=tmux [xmllint]=libxml2-utils
  [ufw]=ufw [firewall-offline-cmd]=firewalld [python3]=python3 [sshd]=openssh-server
  [sftp]=openssh-client [cmark-gfm]=cmark-gfm [rclone]=rclone [strings]=binutils [unshare]=util-linux [modprobe]=kmod
  [man]=man-db [pebble]=pebble [certbot]=certbot [ansible-playbook]=ansible [ansible-lint]=ansible-lint
  [systemctl]=systemd [sysctl]=procps [awk]=mawk
  [systemd-analyze]=systemd [shellcheck]=shellcheck
)
missing=()
for tool in "${!pkgs[@]}"; do
  # sbin tools may be off a non-root PATH
  if ! command -v "$tool" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$tool" ] && ! [ -x "/sbin/$tool" ]; then
    missing+=("${pkgs[$tool]}")
  fi
done
# Ansible's package_facts (the fleet playbook's vsftpd build) reads dpkg through python3-apt.
if ! /usr/bin/python3 -c 'import apt' >/dev/null 2>&1; then
  missing+=(python3-apt)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present" >&2
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "test dependencies: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "need root to apt-get install ${missing[*]} (the lab tests need root anyway)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Installing a daemon's package must not start it: the tests start their own
# copies inside network namespaces.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
