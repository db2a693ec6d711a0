#!/usr/bin/env bash
# Installs everything libforensic needs to build, run, test and benchmark on
# Debian 12, from Debian's own packages. Safe to run again.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config
	libssl-dev libewf-dev libbfio-dev libsqlite3-dev libisal-dev zlib1g-dev
	# virtual disks as sources: VMDK, VHD/VHDX, QCOW (README, Dependencies)
	libvmdk-dev libvhdi-dev libqcow-dev
	# RFC 3161 time-stamps of the audit chain: HTTP POST to a TSA
	libcurl4-openssl-dev
	# a lab ledger on PostgreSQL: libpq, and the server the tests start
	# themselves (initdb, pg_ctl) and psql
	libpq-dev postgresql-15 postgresql-client-15
	# unit tests, fuzzing
	check clang libclang-rt-14-dev
	# the tools investigators use, for interoperability tests and benchmarks
	ewf-tools sleuthkit dc3dd coreutils time
	# virtual disks: the sample disk's containers and the reference reading
	# of them (acquire --source-format); qemu-img reads and compares the
	# exports (verify export)
	qemu-utils
	# sample disks and devices; strace slows or fails chosen reads (signals
	# during a read-back, read errors) in the end-to-end tests
	gdisk fdisk dosfstools mtools e2fsprogs util-linux dmsetup strace
	# a remote acquisition relayed over a Unix socket (acquire_stream.sh)
	socat
	# a FUSE file with chosen unreadable sectors (tests/tools/fx_faultyfs):
	# a failing source where the kernel has no device-mapper
	libfuse3-dev
	# case database inspection and tamper tests
	sqlite3 openssl python3 python3-jsonschema
	# optical media: ISO 9660 file systems made and listed (genisoimage,
	# isoinfo)
	genisoimage
	# a file system without holes, for --sparse's refusal where the kernel
	# has no vfat: exFAT through FUSE
	exfatprogs exfat-fuse
	# reports: DFXML validation, HTML rendering to PDF, the CASE JSON-LD
	# read as RDF and queried with SPARQL
	libxml2-utils chromium poppler-utils fonts-dejavu-core python3-rdflib
	# man pages rendered and checked for warnings; a closed pipe made in perl
	groff-base man-db perl
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
