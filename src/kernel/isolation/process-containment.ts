import { spawnSync } from 'node:child_process';

/**
 * How a process-isolated tool call is contained. `pid-namespace`: the call's first process is the init of a
 * new PID namespace, so when it dies the kernel kills every descendant, `setsid` and daemonised ones included.
 * `process-group`: no namespace can be made here; the call's group and the descendants found by walking
 * /proc are signalled, and a descendant that left the group and lost its parent before the walk escapes.
 */
export type ProcessContainment =
  | { kind: 'pid-namespace'; launcher: string[] }
  | { kind: 'process-group'; reason: string };

let detected: ProcessContainment | undefined;

/**
 * Finds out once whether this machine can give a tool call its own PID namespace (util-linux `unshare`, as
 * root or through an unprivileged user namespace), by running `true` in one. Never throws.
 */
export function detectProcessContainment(): ProcessContainment {
  detected ??= probeContainment();
  return detected;
}

function probeContainment(): ProcessContainment {
  if (process.platform !== 'linux') {
    return { kind: 'process-group', reason: `PID namespaces need Linux, not ${process.platform}` };
  }
  const namespace = ['--pid', '--fork', '--kill-child'];
  // As root the namespace needs nothing more; otherwise a user namespace that maps the caller to itself.
  const candidates = process.getuid?.() === 0 ? [namespace] : [['--user', '--map-current-user', ...namespace]];
  let failure = '';
  for (const flags of candidates) {
    const probe = spawnSync('unshare', [...flags, 'true'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    if (probe.status === 0) return { kind: 'pid-namespace', launcher: ['unshare', ...flags] };
    failure =
      probe.error !== undefined
        ? `'unshare' could not run (${probe.error.message})`
        : `'unshare ${flags.join(' ')}' failed: ${probe.stderr.toString().trim() || `exit ${probe.status}`}`;
  }
  return { kind: 'process-group', reason: `no PID namespace: ${failure}` };
}
