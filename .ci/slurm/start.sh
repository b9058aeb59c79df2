#!/usr/bin/env bash
# Install Debian's SLURM and start a one-node cluster on this machine (partition `cpu`, accounting through
# slurmdbd + MariaDB so that `sacct` works), then wait until the node takes jobs. Needs root and no systemd:
# every daemon is started by hand, in the order munged, mariadbd, slurmdbd, slurmctld, slurmd.
# Safe to run again: installed packages and running daemons are kept (stop the daemons to apply a changed
# configuration). Exit status 3: SLURM cannot be installed here (the SLURM tests then skip); 1: any failure.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGES=(slurm-wlm slurmdbd mariadb-server)
LOGS=/var/log/slurm

say() { echo "slurm/start.sh: $*" >&2; }
die() {
    say "FAILED: $1"
    for log in "${@:2}"; do [ -f "$log" ] && { say "--- tail of $log"; tail -n 20 "$log" >&2; }; done
    exit 1
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# wait_for WHAT LOG COMMAND...: poll COMMAND for up to 30 s.
wait_for() {
    local what=$1 log=$2
    shift 2
    for _ in $(seq 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
    die "$what did not come up within 30 s" "$log"
}
node_ready() { sinfo -h -N -o %T | grep -Eq '^(idle|mixed|allocated)'; }

install_packages() {
    command -v slurmctld slurmd slurmdbd mariadbd munged >/dev/null && return 0
    command -v apt-get >/dev/null || { say "no apt-get: cannot install SLURM"; exit 3; }
    say "installing ${PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >/tmp/slurm-apt.log 2>&1 \
        || { apt-get update -q && apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; } \
        >>/tmp/slurm-apt.log 2>&1 \
        || { tail -n 20 /tmp/slurm-apt.log >&2; say "cannot install ${PACKAGES[*]}"; exit 3; }
}

write_configs() {
    local host hardware
    host=$(hostname -s)
    hardware=$(slurmd -C | sed -n '1s/^NodeName=[^ ]* //p')   # CPUs=.. Boards=.. ... RealMemory=..
    sed -e "s/@HOST@/$host/g" -e "s/@HARDWARE@/$hardware/" "$HERE/slurm.conf.in" >/etc/slurm/slurm.conf
    install -o slurm -g slurm -m 600 "$HERE/slurmdbd.conf.in" /etc/slurm/slurmdbd.conf
}

start_munge() {
    alive /run/munge/munged.pid && return 0
    install -d -o munge -g munge /run/munge
    runuser -u munge -- munged || die "munged" /var/log/munge/munged.log
}

start_mariadb() {
    if ! alive /run/mysqld/mysqld.pid; then
        install -d -o mysql -g mysql /run/mysqld
        setsid mariadbd --user=mysql >>"$LOGS/mariadb.log" 2>&1 </dev/null &
    fi
    wait_for "mariadbd" "$LOGS/mariadb.log" mysqladmin ping
    mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED VIA unix_socket;
                GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
}

start_slurm() {
    alive /run/slurmdbd.pid || slurmdbd || die "slurmdbd" "$LOGS/slurmdbd.log"
    wait_for "slurmdbd" "$LOGS/slurmdbd.log" bash -c 'exec 3<>/dev/tcp/127.0.0.1/6819'
    alive /run/slurmctld.pid || slurmctld || die "slurmctld" "$LOGS/slurmctld.log"
    wait_for "slurmctld" "$LOGS/slurmctld.log" scontrol ping
    alive /run/slurmd.pid || slurmd || die "slurmd" "$LOGS/slurmd.log"
    wait_for "node $(hostname -s)" "$LOGS/slurmd.log" node_ready
    wait_for "accounting (sacct)" "$LOGS/slurmdbd.log" sacct -n -X
}

[ "$(id -u)" = 0 ] || { say "needs root"; exit 3; }
started=$EPOCHREALTIME
install_packages
write_configs
start_munge
start_mariadb
start_slurm
took=$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $started }")
say "cluster up in $took s: $(sinfo -h -o 'partition %P, %D node, %c CPUs, %m MB, %T')"
