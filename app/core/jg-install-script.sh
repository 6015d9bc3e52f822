## The body of the enrollment script: jg-install-script.c puts the shebang,
## a header and the jg_* values in front of it; lines starting with "##" are
## left out (jg-embed-text.py). POSIX sh: runs under dash, bash and busybox
## ash, and is `shellcheck -s sh` clean (tests/test-wizard.c checks the
## whole generated script).
# What this script changes, each recorded in its state file so that
# --uninstall removes exactly that and nothing else (ID is the machine's id):
#   /var/lib/jumpgate-enroll/ID.state    what it created (root only)
#   /var/lib/jumpgate-enroll/ID.sh       a copy of this script, for --uninstall
#   ~USER/.ssh/authorized_keys           one line ending in "jumpgate:ID"
#                                        (and ~/.ssh and the file, if it made them)
#   ~USER/.config/jumpgate-enroll/ID.token   the enrollment token (0600, USER's);
#                                        Jumpgate deletes it once it has read it
#   the user USER                        only if asked to and it was missing
#   /etc/ssh/sshd_config.d/jumpgate-ID.conf  only if sshd did not listen on PORT
#   openssh-server                       installed if there was no sshd; left
#                                        installed by --uninstall (it says so)
# Everything in the user's home is done as that user (setpriv, or su), so a
# symbolic link there cannot make root write anywhere else.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

jg_state_dir=/var/lib/jumpgate-enroll
jg_state="$jg_state_dir/$jg_id.state"
jg_copy="$jg_state_dir/$jg_id.sh"
jg_dropin="/etc/ssh/sshd_config.d/jumpgate-$jg_id.conf"

jg_say () {
  printf 'jumpgate: %s\n' "$*"
}

jg_die () {
  printf 'jumpgate: error: %s\n' "$*" >&2
  exit 1
}

jg_usage () {
  cat <<'JG_USAGE'
Usage: sh SCRIPT [--uninstall | --detect | --show | --help]

Run as root on the machine to let Jumpgate log in to it:
  (no option)   install: the SSH server if missing, the user if asked,
                Jumpgate's key and the enrollment token
  --uninstall   remove exactly what this script added (the SSH server stays)
  --detect      print the system, package manager and service manager found
  --show        print the values this script was generated with
JG_USAGE
}

# The values are checked again here, so that even a script put together
# by hand cannot pass a hostile name to a command.
jg_check_values () {
  case $jg_id in
    ''|*[!0-9a-f-]*) jg_die "the machine id in this script is damaged; generate it again" ;;
  esac
  if [ "${#jg_id}" -ne 36 ]; then
    jg_die "the machine id in this script is damaged; generate it again"
  fi
  case $jg_address in
    ''|*[!A-Za-z0-9.:-]*) jg_die "the address in this script is not a host name or an IP address" ;;
  esac
  case $jg_port in
    ''|*[!0-9]*|0*) jg_die "the port in this script is not a number from 1 to 65535" ;;
  esac
  if [ "${#jg_port}" -gt 5 ] || [ "$jg_port" -gt 65535 ]; then
    jg_die "the port in this script is not a number from 1 to 65535"
  fi
  case $jg_user in
    ''|[!a-z_]*|*[!a-z0-9_\$-]*|*\$?*) jg_die "the user name in this script is not a valid user name" ;;
  esac
  if [ "${#jg_user}" -gt 32 ]; then
    jg_die "the user name in this script is longer than 32 characters"
  fi
  case $jg_create_user in
    yes|no) ;;
    *) jg_die "the create-user setting in this script is damaged; generate it again" ;;
  esac
  case $jg_token in
    *[!0-9a-f]*) jg_die "the token in this script is damaged; generate it again" ;;
  esac
  if [ "${#jg_token}" -ne 64 ]; then
    jg_die "the token in this script is damaged; generate it again"
  fi
  case $jg_key in
    ssh-*' '*' jumpgate:'"$jg_id"|ecdsa-*' '*' jumpgate:'"$jg_id"|sk-*' '*' jumpgate:'"$jg_id") ;;
    *) jg_die "the key in this script is damaged; generate it again" ;;
  esac
  case $jg_key in
    *[!A-Za-z0-9+/=@.:' '-]*) jg_die "the key in this script is damaged; generate it again" ;;
  esac
}

# ---------------------------------------------------------------- the system

# One field of /etc/os-release, read without running it.
jg_os_field () {
  if [ -r /etc/os-release ]; then
    sed -n "s/^$1=//p" /etc/os-release | head -n 1 | tr -d "\"'"
  fi
}

# Sets jg_os, jg_family (debian, rhel or unknown) and jg_installer
# (apt-get, dnf, yum, or empty).
jg_detect () {
  jg_os=$(jg_os_field PRETTY_NAME)
  [ -n "$jg_os" ] || jg_os=$(jg_os_field ID)
  [ -n "$jg_os" ] || jg_os=unknown
  jg_family=unknown
  for jg_word in $(jg_os_field ID) $(jg_os_field ID_LIKE); do
    case $jg_word in
      debian|ubuntu) jg_family=debian; break ;;
      fedora|rhel|centos|rocky|almalinux|ol) jg_family=rhel; break ;;
    esac
  done
  jg_installer=
  case $jg_family in
    debian)
      if command -v apt-get >/dev/null 2>&1; then jg_installer=apt-get; fi ;;
    rhel)
      if command -v dnf >/dev/null 2>&1; then jg_installer=dnf
      elif command -v yum >/dev/null 2>&1; then jg_installer=yum
      fi ;;
  esac
}

# systemd (running), service (SysV/OpenRC wrapper) or none.
jg_service_manager () {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    echo systemd
  elif command -v service >/dev/null 2>&1; then
    echo service
  else
    echo none
  fi
}

# Debian and Ubuntu call the service ssh, Fedora and RHEL sshd.
jg_ssh_unit () {
  if [ -e /lib/systemd/system/ssh.service ] || [ -e /usr/lib/systemd/system/ssh.service ] ||
     [ -e /etc/init.d/ssh ]; then
    echo ssh
  else
    echo sshd
  fi
}

jg_sshd () {
  if [ -x /usr/sbin/sshd ]; then
    echo /usr/sbin/sshd
  else
    command -v sshd 2>/dev/null || true
  fi
}

jg_print_detect () {
  jg_detect
  printf 'os=%s\nfamily=%s\ninstaller=%s\nservice-manager=%s\nssh-unit=%s\nsshd=%s\n' \
    "$jg_os" "$jg_family" "${jg_installer:-none}" "$(jg_service_manager)" "$(jg_ssh_unit)" \
    "$(jg_sshd)"
  case $jg_installer in
    apt-get) echo "install-command=apt-get install -y --no-install-recommends openssh-server" ;;
    dnf|yum) echo "install-command=$jg_installer install -y openssh-server" ;;
    *) echo "install-command=none" ;;
  esac
}

# ----------------------------------------------------------------- the state

jg_has () {
  [ -f "$jg_state" ] && grep -qx -e "$1" "$jg_state"
}

# Records that this script created something, before or as it does so.
jg_record () {
  jg_has "$1" || printf '%s\n' "$1" >>"$jg_state"
}

jg_state_init () {
  if [ ! -d "$jg_state_dir" ]; then
    (umask 077 && mkdir -p "$jg_state_dir") || jg_die "could not create $jg_state_dir"
  fi
  if [ ! -f "$jg_state" ]; then
    (umask 077 && printf '# Jumpgate enrollment %s: what its script created (read by --uninstall)\n' \
      "$jg_id" >"$jg_state") || jg_die "could not write $jg_state"
  fi
  # A copy of this script, so that --uninstall works without the original.
  if [ -f "$0" ] && [ "$0" != "$jg_copy" ] && grep -qF -e "$jg_id" "$0" 2>/dev/null &&
     ! cmp -s "$0" "$jg_copy"; then
    (umask 077 && cat "$0" >"$jg_copy.tmp") && mv -f "$jg_copy.tmp" "$jg_copy"
  fi
}

# ------------------------------------------------------------ the SSH server

jg_install_sshd () {
  if [ -n "$(jg_sshd)" ]; then
    return 0
  fi
  jg_detect
  jg_record installed-openssh-server
  case $jg_installer in
    apt-get)
      jg_say "installing the SSH server (openssh-server) with apt-get"
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q ||
          jg_die "apt-get update failed: check this machine's network and package sources"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openssh-server ||
          jg_die "apt-get could not install openssh-server"
      fi ;;
    dnf|yum)
      jg_say "installing the SSH server (openssh-server) with $jg_installer"
      "$jg_installer" install -y openssh-server ||
        jg_die "$jg_installer could not install openssh-server" ;;
    *)
      jg_die "no SSH server is installed, and Jumpgate installs one only on Debian/Ubuntu and Fedora/RHEL (this is $jg_os): install the OpenSSH server, then run this script again" ;;
  esac
  [ -n "$(jg_sshd)" ] || jg_die "openssh-server was installed but there is no sshd"
}

# Starts sshd (and enables it at boot) unless it runs already.
jg_start_sshd () {
  jg_unit=$(jg_ssh_unit)
  case $(jg_service_manager) in
    systemd)
      if systemctl is-enabled --quiet "$jg_unit.socket" 2>/dev/null; then
        # Socket activation (Ubuntu 22.10 and later).
        systemctl is-active --quiet "$jg_unit.socket" || systemctl start "$jg_unit.socket" ||
          jg_die "systemctl could not start $jg_unit.socket"
      else
        systemctl is-enabled --quiet "$jg_unit.service" 2>/dev/null ||
          systemctl enable "$jg_unit.service" >/dev/null 2>&1 ||
          jg_say "warning: could not enable $jg_unit.service at boot"
        systemctl is-active --quiet "$jg_unit.service" || systemctl start "$jg_unit.service" ||
          jg_die "systemctl could not start $jg_unit.service: see journalctl -u $jg_unit"
      fi ;;
    service)
      service "$jg_unit" start >/dev/null || jg_die "could not start the SSH server (service $jg_unit start)" ;;
    *)
      jg_die "no service manager found: start the SSH server (sshd) yourself, then run this script again" ;;
  esac
}

jg_reload_sshd () {
  jg_unit=$(jg_ssh_unit)
  case $(jg_service_manager) in
    systemd)
      if systemctl is-enabled --quiet "$jg_unit.socket" 2>/dev/null; then
        systemctl daemon-reload && systemctl restart "$jg_unit.socket"
      else
        systemctl reload-or-restart "$jg_unit.service"
      fi ;;
    service)
      service "$jg_unit" reload >/dev/null ;;
    *)
      false ;;
  esac || jg_say "warning: could not reload the SSH server: restart it yourself"
}

# The ports sshd listens on (its effective configuration).
jg_sshd_ports () {
  "$(jg_sshd)" -T 2>/dev/null | sed -n 's/^port //p'
}

# Makes sshd listen on jg_port too, unless it does already.
jg_ensure_port () {
  jg_ports=$(jg_sshd_ports)
  if [ -z "$jg_ports" ]; then
    jg_say "warning: could not read sshd's configuration (sshd -T); make sure it listens on port $jg_port"
    return 0
  fi
  for jg_p in $jg_ports; do
    if [ "$jg_p" = "$jg_port" ]; then
      return 0
    fi
  done
  if ! grep -qE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config 2>/dev/null; then
    jg_die "sshd does not listen on port $jg_port, and /etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d: add \"Port $jg_port\" to it (keep your Port lines), restart sshd, and run this script again"
  fi
  jg_say "making sshd listen on port $jg_port too ($jg_dropin)"
  jg_record sshd-drop-in
  # Port lines add up; with none anywhere, sshd uses 22 only, so keep 22.
  if grep -qsiE '^[[:space:]]*Port[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; then
    jg_keep=
  else
    jg_keep=$jg_ports
  fi
  {
    echo "# Added by Jumpgate's enrollment script $jg_id; its --uninstall removes this file."
    for jg_p in $jg_keep; do
      echo "Port $jg_p"
    done
    echo "Port $jg_port"
  } >"$jg_dropin.tmp"
  chmod 644 "$jg_dropin.tmp"
  mv -f "$jg_dropin.tmp" "$jg_dropin"
  if ! "$(jg_sshd)" -t; then
    rm -f "$jg_dropin"
    jg_die "sshd rejected the configuration with port $jg_port; nothing was changed"
  fi
  if [ "$jg_port" != 22 ] && command -v getenforce >/dev/null 2>&1 &&
     [ "$(getenforce 2>/dev/null)" = Enforcing ]; then
    if command -v semanage >/dev/null 2>&1; then
      if ! semanage port -l | grep -E '^ssh_port_t[[:space:]]' | grep -qw -e "$jg_port"; then
        jg_record selinux-port
        semanage port -a -t ssh_port_t -p tcp "$jg_port" ||
          jg_say "warning: SELinux may stop sshd from using port $jg_port (semanage failed)"
      fi
    else
      jg_say "warning: SELinux is enforcing: allow port $jg_port with: semanage port -a -t ssh_port_t -p tcp $jg_port"
    fi
  fi
  jg_reload_sshd
}

jg_firewall_hints () {
  if command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null | grep -q '^Status: active'; then
    jg_say "ufw is active: make sure it allows port $jg_port (ufw allow $jg_port/tcp)"
  fi
  if command -v firewall-cmd >/dev/null 2>&1 && firewall-cmd --state >/dev/null 2>&1; then
    jg_say "firewalld is running: make sure it allows port $jg_port (firewall-cmd --permanent --add-port=$jg_port/tcp && firewall-cmd --reload)"
  fi
}

jg_print_fingerprints () {
  jg_say "this machine's host keys (Jumpgate checks the one it is offered):"
  for jg_f in /etc/ssh/ssh_host_*_key.pub; do
    if [ -f "$jg_f" ]; then
      if command -v ssh-keygen >/dev/null 2>&1; then
        ssh-keygen -l -f "$jg_f"
      else
        cat "$jg_f"
      fi
    fi
  done
}

# ------------------------------------------------------------------ the user

jg_home () {
  getent passwd "$jg_user" | cut -d: -f6
}

jg_ensure_user () {
  if getent passwd "$jg_user" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$jg_create_user" != yes ]; then
    jg_die "there is no user \"$jg_user\" on this machine: create it, or generate the script again with another user"
  fi
  command -v useradd >/dev/null 2>&1 || jg_die "useradd is missing: create the user \"$jg_user\" yourself"
  jg_shell=/bin/sh
  if [ -x /bin/bash ]; then
    jg_shell=/bin/bash
  fi
  jg_record created-user
  useradd -m -s "$jg_shell" -c "Jumpgate" -- "$jg_user" || jg_die "useradd could not create \"$jg_user\""
  # No password, but not locked: key logins work with and without PAM.
  usermod -p '*' -- "$jg_user"
  jg_say "created the user $jg_user"
}

# Whether the home holds only what useradd copied from /etc/skel.
jg_home_only_skel () {
  jg_home_list=$(cd "$1" && find . -mindepth 1 ! -type d | LC_ALL=C sort)
  jg_skel_list=
  if [ -d /etc/skel ]; then
    jg_skel_list=$(cd /etc/skel && find . -mindepth 1 ! -type d | LC_ALL=C sort)
  fi
  [ "$jg_home_list" = "$jg_skel_list" ]
}

# The part that runs as the user, in the user's home: reads its commands
# from stdin, its values from the arguments, prints what it created.
jg_user_code () {
  cat <<'JG_USER_CODE'
set -eu
umask 077
jg_action=$1
jg_id=$2
cd "$3"
jg_ak=.ssh/authorized_keys
jg_dir=.config/jumpgate-enroll
jg_tok=$jg_dir/$jg_id.token
jg_marker=jumpgate:$jg_id
for jg_f in .ssh "$jg_ak" .config "$jg_dir" "$jg_tok"; do
  if [ -L "$jg_f" ]; then
    printf 'jumpgate: error: %s/%s is a symbolic link: remove it and run the script again\n' "$3" "$jg_f" >&2
    exit 1
  fi
done
jg_marked () {
  [ -f "$jg_ak" ] && [ -n "$(awk -v m="$jg_marker" '$NF == m' "$jg_ak")" ]
}
jg_drop_marked () {
  awk -v m="$jg_marker" '$NF != m' "$jg_ak" >"$jg_ak.jumpgate-tmp"
  cat "$jg_ak.jumpgate-tmp" >"$jg_ak"
  rm -f "$jg_ak.jumpgate-tmp"
}
if [ "$jg_action" = install ]; then
  jg_key=$4
  IFS= read -r jg_token <&3
  if [ ! -d .ssh ]; then
    mkdir .ssh
    echo created-ssh-dir
  fi
  if [ ! -e "$jg_ak" ]; then
    : >"$jg_ak"
    echo created-authorized-keys
  fi
  if ! grep -qxF -e "$jg_key" "$jg_ak"; then
    if jg_marked; then
      jg_drop_marked
    fi
    if [ -s "$jg_ak" ] && [ -n "$(tail -c 1 "$jg_ak")" ]; then
      echo >>"$jg_ak"
    fi
    printf '%s\n' "$jg_key" >>"$jg_ak"
    printf 'jumpgate: added Jumpgate'\''s key to %s/%s\n' "$3" "$jg_ak" >&2
  fi
  if [ ! -d .config ]; then
    mkdir .config
    echo created-config-dir
  fi
  if [ ! -d "$jg_dir" ]; then
    mkdir "$jg_dir"
  fi
  if [ ! -f "$jg_tok" ] || [ "$(cat "$jg_tok")" != "$jg_token" ]; then
    printf '%s\n' "$jg_token" >"$jg_tok.tmp"
    mv -f "$jg_tok.tmp" "$jg_tok"
  fi
  chmod 600 "$jg_tok"
  # SELinux (Fedora, RHEL): sshd reads only files labelled ssh_home_t.
  if command -v restorecon >/dev/null 2>&1; then
    restorecon -F .ssh "$jg_ak" >/dev/null 2>&1 || true
  fi
else
  if jg_marked; then
    jg_drop_marked
    printf 'jumpgate: removed Jumpgate'\''s key from %s/%s\n' "$3" "$jg_ak" >&2
  fi
  if [ "$4" = yes ] && [ -f "$jg_ak" ] && [ ! -s "$jg_ak" ]; then
    rm -f "$jg_ak"
  fi
  if [ "$5" = yes ] && [ -d .ssh ]; then
    rmdir .ssh 2>/dev/null || true
  fi
  rm -f "$jg_tok" "$jg_tok.tmp"
  if [ -d "$jg_dir" ]; then
    rmdir "$jg_dir" 2>/dev/null || true
  fi
  if [ "$6" = yes ] && [ -d .config ]; then
    rmdir .config 2>/dev/null || true
  fi
fi
JG_USER_CODE
}

# Runs the user part as jg_user with the arguments given.
jg_as_user () {
  if [ "$jg_user" = root ]; then
    jg_user_code | sh -s -- "$@"
  elif command -v setpriv >/dev/null 2>&1 &&
       setpriv --reuid="$jg_user" --regid="$jg_group" --init-groups true 2>/dev/null; then
    jg_user_code | setpriv --reuid="$jg_user" --regid="$jg_group" --init-groups sh -s -- "$@"
  else
    jg_user_code | su -s /bin/sh -c 'exec /bin/sh -s -- "$@"' "$jg_user" jumpgate "$@"
  fi
}

jg_user_setup () {
  jg_home_dir=$(jg_home)
  jg_group=$(id -g -- "$jg_user")
  if [ -z "$jg_home_dir" ] || [ ! -d "$jg_home_dir" ]; then
    jg_die "the home directory of $jg_user (${jg_home_dir:-none}) does not exist"
  fi
}

# ------------------------------------------------------------------- install

jg_install () {
  jg_say "enrolling this machine in Jumpgate (user $jg_user, port $jg_port)"
  jg_state_init
  jg_install_sshd
  jg_start_sshd
  jg_ensure_port
  jg_ensure_user
  jg_user_setup
  jg_created=$(jg_as_user install "$jg_id" "$jg_home_dir" "$jg_key" 3<<JG_TOKEN
$jg_token
JG_TOKEN
) || jg_failed=yes
  for jg_c in $jg_created; do
    case $jg_c in
      created-ssh-dir|created-authorized-keys|created-config-dir) jg_record "$jg_c" ;;
    esac
  done
  if [ "${jg_failed:-no}" = yes ]; then
    jg_die "could not add Jumpgate's key and token for $jg_user"
  fi
  jg_firewall_hints
  jg_print_fingerprints
  jg_say "done: Jumpgate can now log in as $jg_user on port $jg_port; keep its window open, it adds this machine within seconds"
  if [ -f "$jg_copy" ]; then
    jg_say "to remove what this script added: sudo sh $jg_copy --uninstall"
  else
    jg_say "to remove what this script added, keep this script and run it with --uninstall"
  fi
}

# ----------------------------------------------------------------- uninstall

# userdel, waiting up to 10 s while the user still has processes (exit
# status 8: a session that is just closing, like Jumpgate's).
jg_userdel () {
  jg_try=0
  while :; do
    jg_err=$(userdel "$@" 2>&1)
    jg_rc=$?
    if [ "$jg_rc" -eq 0 ]; then
      return 0
    fi
    jg_try=$((jg_try + 1))
    if [ "$jg_rc" -ne 8 ] || [ "$jg_try" -ge 10 ]; then
      printf '%s\n' "$jg_err" >&2
      jg_die "could not remove the user $jg_user: log out of its sessions, then run --uninstall again"
    fi
    sleep 1
  done
}

jg_flag () {
  if jg_has "$1"; then echo yes; else echo no; fi
}

jg_uninstall () {
  if getent passwd "$jg_user" >/dev/null 2>&1; then
    jg_user_setup
    jg_as_user uninstall "$jg_id" "$jg_home_dir" "$(jg_flag created-authorized-keys)" \
      "$(jg_flag created-ssh-dir)" "$(jg_flag created-config-dir)" ||
      jg_die "could not remove Jumpgate's key and token for $jg_user"
    if jg_has created-user; then
      if jg_home_only_skel "$jg_home_dir"; then
        jg_userdel -r -- "$jg_user"
        jg_say "removed the user $jg_user and its home"
      else
        jg_userdel -- "$jg_user"
        jg_say "removed the user $jg_user; kept $jg_home_dir, which holds files of its own"
      fi
    fi
  fi
  if jg_has sshd-drop-in || [ -f "$jg_dropin" ]; then
    rm -f "$jg_dropin"
    jg_say "sshd no longer listens on port $jg_port for Jumpgate"
    jg_reload_sshd
  fi
  if jg_has selinux-port && command -v semanage >/dev/null 2>&1; then
    semanage port -d -t ssh_port_t -p tcp "$jg_port" || true
  fi
  if jg_has installed-openssh-server; then
    jg_say "the SSH server this script installed stays installed (you may still need it to log in)"
  fi
  rm -f "$jg_state" "$jg_copy" "$jg_copy.tmp"
  if [ -d "$jg_state_dir" ]; then
    rmdir "$jg_state_dir" 2>/dev/null || true
  fi
  jg_say "removed what Jumpgate's enrollment script added"
}

# ---------------------------------------------------------------------- main

jg_action=install
for jg_arg in "$@"; do
  case $jg_arg in
    --uninstall) jg_action=uninstall ;;
    --detect) jg_action=detect ;;
    --show) jg_action=show ;;
    -h|--help) jg_usage; exit 0 ;;
    *) jg_usage >&2; jg_die "unknown option: $jg_arg" ;;
  esac
done

if [ "$jg_action" = show ]; then
  printf 'id=%s\naddress=%s\nport=%s\nuser=%s\ncreate-user=%s\nkey=%s\n' \
    "$jg_id" "$jg_address" "$jg_port" "$jg_user" "$jg_create_user" "$jg_key"
  exit 0
fi

jg_check_values

if [ "$jg_action" = detect ]; then
  jg_print_detect
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  jg_die "run this script as root, for example: sudo sh $0"
fi

case $jg_action in
  install) jg_install ;;
  uninstall) jg_uninstall ;;
esac
