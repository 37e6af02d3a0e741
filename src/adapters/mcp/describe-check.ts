/** A check the kernel asked for one proxied call, and its answer once it has one. */
export interface ProxyCheck {
  /** The action hash an approve order must name. */
  action: string;
  tool: string;
  answer: 'pending' | 'approved' | 'not approved';
}

/** The check a held call waits for, and how a principal approves it: what the MCP client and the operator read. */
export function describeCheck(
  check: ProxyCheck,
  where: { agent: string; controlUrl: string | undefined; checkTimeout: string },
): string {
  const state = check.answer === 'pending' ? 'waits for a principal' : `was ${check.answer}`;
  const send =
    where.controlUrl === undefined
      ? 'deliver it to the proxy (start heed proxy with --control-port to receive orders)'
      : `heed order send ${where.controlUrl} approve.json`;
  return [
    `heed check: the call of ${check.tool} (action ${check.action}) ${state}.`,
    `To approve it, a principal signs an approve order naming this action while the call is held (up to ${where.checkTimeout}):`,
    `heed order sign --key KEY --agent ${where.agent} --kind approve --body '{"action":"${check.action}"}' --out approve.json && ${send}`,
  ].join('\n');
}
