import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { batchSchedulingLauncher } from '../process/batch-scheduling.ts';
import { killProcessGroup, watchProcessGroup } from '../process/kill-process-group.ts';
import { BoundedOutput } from '../tools/bounded-output.ts';
import {
  type IsolatedCall,
  type IsolatedCallReport,
  type IsolatedRunOptions,
  isolatedRunnerFile,
  settleIsolatedCall,
} from './isolated-run.ts';
import { detectProcessContainment, type ProcessContainment } from './process-containment.ts';
import { childProcesses, isProcessRunning, processDescendants, processTree } from './process-descendants.ts';

const confirmPollMilliseconds = 2;
/** How many times a SIGKILLed namespace init is asked again at once, before every `confirmPollMilliseconds`. */
const immediateRechecks = 8;

/**
 * Runs one call in a child process of its own, in its own process group and, where the machine allows, its own PID
 * namespace (`detectProcessContainment`) and the batch scheduling policy (`batchSchedulingLauncher`). On abort the
 * group gets SIGTERM (the tool's signal aborts); whatever still runs `graceMs` later gets SIGKILL. Once the tool
 * has reported (a result, an error, or its abort), whatever the call left running gets SIGKILL. Settles once no
 * process of the call can run again: in a PID namespace as soon as its SIGKILLed init is seen without a child
 * (after the tool's report or at the grace deadline; asked again, at once then every few milliseconds, while its
 * threads exit or its children die), or on the child's `exit` event (which means the whole namespace is gone);
 * outside one, once the group and the descendants found in /proc are gone.
 */
export function runInProcess(
  call: IsolatedCall,
  options: IsolatedRunOptions & { containment?: ProcessContainment },
): Promise<unknown> {
  options.signal.throwIfAborted();
  const containment = options.containment ?? detectProcessContainment();
  const command = [
    ...batchSchedulingLauncher(),
    ...(containment.kind === 'pid-namespace' ? containment.launcher : []),
    process.execPath,
    fileURLToPath(isolatedRunnerFile),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const errors = new BoundedOutput(4096);
    child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk));
    let report: IsolatedCallReport | undefined;
    let startFailure: string | undefined;
    let exited = false;
    let deadline: NodeJS.Timeout | undefined;
    let forced = false;
    let recheckTimer: NodeJS.Timeout | undefined;
    let rechecks = 0;
    const pgid = child.pid;
    // In a PID namespace, the tool's first process (the namespace's init, a child of `unshare`, which holds its
    // pid until it reaps it): killing it kills every process in the namespace.
    let namespaceInit: number | undefined;
    // Outside a namespace, descendants that left the group are found while their parents still live.
    const descendants = new Set<number>();
    const walk = () => {
      if (containment.kind === 'process-group' && pgid !== undefined && !exited) {
        for (const pid of processDescendants(pgid)) descendants.add(pid);
      }
    };
    const signalAll = (signal: NodeJS.Signals) => {
      if (pgid === undefined) return;
      walk();
      killProcessGroup(pgid, signal);
      for (const pid of descendants) {
        try {
          process.kill(pid, signal);
        } catch {
          descendants.delete(pid);
        }
      }
    };
    // Asked once the child has exited. In a namespace, `unshare` exits only after reaping the namespace's init,
    // which exits only once every other process in the namespace is gone: nothing is left.
    const groupAlive = pgid === undefined ? () => false : watchProcessGroup(pgid);
    const anythingLeft = () =>
      containment.kind === 'process-group' && (groupAlive() || [...descendants].some(isProcessRunning));
    /**
     * Ends whatever of the call still runs. True when that leaves nothing that could run again: a namespace whose
     * SIGKILLed init has no child holds no other process (orphans are re-parented to it, and a process with SIGKILL
     * pending can fork no more).
     */
    const forceEnd = (): boolean => {
      forced = true;
      if (containment.kind === 'pid-namespace' && pgid !== undefined && !exited) {
        namespaceInit ??= childProcesses(pgid)?.[0];
      }
      if (containment.kind !== 'pid-namespace' || namespaceInit === undefined || exited) {
        signalAll('SIGKILL');
        return false;
      }
      // Not `unshare` first: its exit would be reported while the namespace is still being torn down.
      try {
        process.kill(namespaceInit, 'SIGKILL');
      } catch {}
      const children = childProcesses(namespaceInit);
      if (children?.length === 0) return true;
      if (children !== undefined) {
        // The namespace's teardown would kill the rest once its init has died; killed now, they die alongside it.
        // Every process of the namespace hangs below its init, so the walk reads their children links, not all of
        // /proc (which on a busy machine took long enough to leave a grandchild running past grace + 20 ms).
        for (const pid of processTree(namespaceInit)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {}
        }
      }
      // Undefined: the init's threads are exiting as they are read. Either way the init is asked again rather than
      // waiting for `unshare` to reap it, which comes only after the kernel has torn down its memory: at once at
      // first (its threads were gone within a millisecond here, where the first timer came 2–4 ms later), then on a
      // timer.
      if (rechecks === 0) {
        rechecks = 1;
        setImmediate(recheckNamespace);
      }
      return false;
    };
    const recheckNamespace = () => {
      if (finished || exited) return;
      if (childProcesses(namespaceInit!)?.length === 0) return finish();
      rechecks += 1;
      if (rechecks <= immediateRechecks) setImmediate(recheckNamespace);
      else recheckTimer = setTimeout(recheckNamespace, confirmPollMilliseconds);
    };
    const onAbort = () => {
      signalAll('SIGTERM');
      deadline = setTimeout(() => {
        if (forceEnd()) finish();
      }, options.graceMs);
    };
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(recheckTimer);
      options.signal.removeEventListener('abort', onAbort);
      const stderr = errors.text().trim();
      const lost =
        startFailure ?? `the tool's process exited before it reported a result${stderr === '' ? '' : `: ${stderr}`}`;
      const settled = settleIsolatedCall(report, options, lost);
      if (settled.ok) resolve(settled.value);
      else reject(settled.error);
    };
    const confirmGone = () => {
      if (!anythingLeft()) return finish();
      // A call that has ended or is past its grace leaves nothing behind; one within its grace may still clean up.
      if (report !== undefined || forced) forceEnd();
      setTimeout(confirmGone, confirmPollMilliseconds);
    };
    child.once('error', (error) => {
      startFailure = `could not start the tool's process (${command[0]}): ${error.message}`;
      if (pgid === undefined) finish();
    });
    child.on('message', (message: IsolatedCallReport) => {
      if (message.type === 'started') {
        if (containment.kind === 'pid-namespace') namespaceInit = message.pid;
        return;
      }
      report = message;
      // The call is over: what it left running ends now (heed need not wait for Node to exit the process), and
      // when nothing of it can run again it settles now rather than after the namespace's teardown and `unshare`'s
      // exit.
      if (forceEnd()) finish();
    });
    child.once('exit', () => {
      walk();
      exited = true;
      confirmGone();
    });
    if (pgid === undefined) return;
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.send(call);
  });
}
