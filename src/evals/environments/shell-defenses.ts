import { DefenseInDepthBox } from 'just-bash';

/** just-bash's defense in depth against escapes from the simulated shell: on, as it is by default. */
export const shellDefenseInDepth = true;

/**
 * Keeps the simulated shells' defense-in-depth patches applied until the returned function is called.
 * just-bash applies them when a command starts and no other is running, and restores them when the
 * last one ends. With many samples at once that happens around almost every command, and each round
 * patches and restores dozens of the process's globals, which slows all the code around it: about a
 * sixth of the runner's time in `npm run bench -- evals`. Held for a run, they are applied once. What a
 * command may do is unchanged: blocking depends on the command's own async context, not on the hold.
 */
export function holdShellDefenses(): () => void {
  const handle = DefenseInDepthBox.getInstance(shellDefenseInDepth).activate();
  return () => handle.deactivate();
}
