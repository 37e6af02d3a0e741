/**
 * How a shell command's sandbox is built. `unshare` makes fresh mount, network, IPC and UTS
 * namespaces and runs this script as root inside them, so every mount is private to the command.
 * One `mount -a` over a generated fstab (one process: starting processes is the slow part) builds
 * the new root: a read-only skeleton with the system folders (read-only), a private /dev and
 * /tmp, the workspace, and every control-plane path in view hidden under an empty mount.
 *
 * The command then runs in a new PID namespace, chrooted (which also forbids it new user
 * namespaces), with a read-only /proc of its own, with every capability dropped and no_new_privs,
 * so it can neither undo a mount nor reach anything outside. It never runs as real root: when heed
 * runs as root, `setpriv` also switches to an unprivileged user (the workspace's owner, or nobody)
 * with no supplementary groups; otherwise the user namespace maps it to heed's own unprivileged user. The namespace's first process is a small shell
 * that passes SIGTERM on to the command (the kernel drops signals to a namespace's init that has no
 * handler) and exits with its status; when it ends, the kernel kills everything left in the
 * namespace, detached or not.
 *
 * Arguments: the fstab file, the new root, the workspace, the command, and the `setpriv` options that
 * switch user (empty in a user namespace).
 */
export const sandboxScript = `set -eu
mount --fstab "$1" -a
exec unshare --pid --fork --kill-child --root="$2" --wd="$3" -- /bin/sh -c '
  mount -t proc -o ro,nosuid,nodev,noexec heed-proc /proc
  setpriv $2 --bounding-set=-all --inh-caps=-all --no-new-privs -- /bin/sh -c "$1" &
  command=$!
  trap "kill -TERM $command 2>/dev/null" TERM
  while :; do
    status=0
    wait $command || status=$?
    if [ $status -gt 128 ] && kill -0 $command 2>/dev/null; then continue; fi
    exit $status
  done' heed-sandbox "$4" "$5"
`;

/** One line of the plan: a folder shown read-only, a folder or file hidden. */
export type SandboxEntry =
  | { kind: 'read-only'; path: string }
  | { kind: 'hidden-folder'; path: string }
  | { kind: 'hidden-file'; path: string };

export const sandboxDevices = ['null', 'zero', 'full', 'random', 'urandom'];

// fstab separates fields by blanks; octal escapes keep any path in one field.
function field(path: string): string {
  return path.replace(/[\\\s#]/g, (character) => `\\${character.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** The fstab that builds the sandbox under `root` (a skeleton the caller made). */
export function sandboxFstab(root: string, workspace: string, entries: readonly SandboxEntry[]): string {
  const lines = [[root, root, 'none', 'bind,ro,nosuid,nodev']];
  for (const entry of entries) {
    if (entry.kind === 'read-only') lines.push([entry.path, root + entry.path, 'none', 'bind,ro,nosuid,nodev']);
  }
  for (const device of sandboxDevices)
    lines.push([`/dev/${device}`, `${root}/dev/${device}`, 'none', 'bind,nosuid,noexec']);
  lines.push(['heed-tmp', `${root}/tmp`, 'tmpfs', 'mode=1777,nosuid,nodev']);
  lines.push([workspace, root + workspace, 'none', 'bind,nosuid,nodev,X-mount.mkdir']);
  for (const entry of entries) {
    if (entry.kind === 'hidden-folder') {
      lines.push(['heed-hidden', root + entry.path, 'tmpfs', 'ro,mode=000,size=4k,nosuid,nodev,noexec']);
    } else if (entry.kind === 'hidden-file') {
      lines.push([`${root}/.heed-empty`, root + entry.path, 'none', 'bind,ro,nosuid,nodev,noexec']);
    }
  }
  return `${lines.map((line) => `${line.map(field).join(' ')} 0 0`).join('\n')}\n`;
}
