// Asking the user about an extension's optional grants, one way for every path that meets one:
// its SDK calls (fs/*, net/fetch, ipc/*, permissions/request, through the broker) and its tools'
// connections through the proxy (issue 13: net/fetch asked while the proxy refused outright). The
// question, the answers, the audit and the "always" bookkeeping are the same whichever path asks.
// One asker per run of the extension: close() withdraws the questions still open when it ends.
import type { AuditEventInput } from '../audit-event/event.ts';
import type { Decision } from '../policy/decide.ts';
import type { GrantState } from './grant-state.ts';
import {
  allows,
  askUser,
  type PermissionPrompt,
  type PromptAnswer,
  type PromptService,
} from './prompts.ts';

export interface ConsentAskerOptions {
  ext: { id: string; name: string };
  /** The live grants of this run (promoted on "allow"). */
  grants: () => GrantState;
  prompts: PromptService;
  audit: (event: AuditEventInput) => void;
  /**
   * Records an "allow always" for later runs (an installed extension). Without it (an unpacked
   * one) "always" lasts this run only, and every question says so.
   */
  onAllowedAlways?: (grants: string[]) => void;
}

export interface ConsentAsker {
  /**
   * Settles a `prompt` decision with the user (any other decision is returned as it is): audits
   * the question and the answer; "allow always" moves the grant into the live ones and records
   * it; "allow once" allows this access.
   */
  settle(
    d: Decision,
    what: { kind: AuditEventInput['kind']; op: string; target: string },
    question: string,
  ): Promise<Decision>;
  /** permissions/request: asks for the optional grants `labels` at once; allowed ones are promoted. */
  request(
    labels: string[],
    question: string,
    target: string,
  ): Promise<{ granted: boolean; reason: string }>;
  /** The run ended: withdraws every question still open. */
  close(): void;
}

export function createConsentAsker(o: ConsentAskerOptions): ConsentAsker {
  const always = o.onAllowedAlways ? 'remembered' : 'this-run';
  const run = new AbortController();
  const ask = (q: Pick<PermissionPrompt, 'question' | 'target' | 'grants'>) =>
    askUser(o.prompts, { ext: o.ext.id, extName: o.ext.name, always, ...q }, run.signal);
  /** The user's answer for the audit reason, with how long an "always" lasts where it is not kept. */
  const answered = (answer: PromptAnswer, why: string) =>
    answer === 'allow-always' && always === 'this-run'
      ? `${why}, kept until this run ends (not installed)`
      : why;

  return {
    async settle(d, what, question) {
      if (d.decision !== 'prompt') return d;
      const label = d.reason.replace(/^optional /, '');
      const { answer, why } = await ask({ question, target: what.target, grants: [label] });
      o.audit({
        ext: o.ext.id,
        layer: 'broker',
        kind: 'permission',
        op: 'prompt',
        target: `${what.kind} ${what.op} ${what.target}`,
        decision: allows(answer) ? 'allow' : 'deny',
        reason: `${d.reason}: ${answered(answer, why)}`,
      });
      if (answer === 'allow-always') {
        o.grants().promote([label]);
        o.onAllowedAlways?.([label]);
      }
      return allows(answer)
        ? { decision: 'allow', reason: `${d.reason} (${why})` }
        : { decision: 'deny', reason: `${d.reason} refused: ${why}` };
    },

    async request(labels, question, target) {
      const { answer, why } = await ask({ question, target, grants: labels });
      const granted = allows(answer);
      if (granted) o.grants().promote(labels, answer === 'allow-always' ? 'always' : 'once');
      if (answer === 'allow-always') o.onAllowedAlways?.(labels);
      return { granted, reason: `${labels.join(', ')}: ${answered(answer, why)}` };
    },

    close: () => run.abort(),
  };
}
