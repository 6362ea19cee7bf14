// Debug sessions (`corral dev` in the app): each session's state, its inline log, its terminal
// screen, its open question and the learning run's proposal under review, fed by the host's
// onDev* events and answers; actions go through dev.* only.
import type {
  ContractResult,
  DevLogLine,
  DevProposal,
  DevQuestion,
  DevSessionView,
  MethodInput,
  MethodOutput,
} from '../../../app/contract/index.ts';
import { EMPTY_SCREEN, printOnScreen, type TerminalScreen } from './terminal-screen.ts';
import { without } from './records.ts';
import { errorOf, type ActionError, type SliceFactory } from './slice.ts';

/** Lines of a session's log kept on screen. */
const LOG_KEEP = 500;

export interface DevSlice {
  devSessions: Record<string, DevSessionView>;
  devScreens: Record<string, TerminalScreen>;
  devLogs: Record<string, DevLogLine[]>;
  devQuestions: Record<string, DevQuestion>;
  /** The learning run's proposal each session's author is looking at (asked for, not pushed). */
  devProposals: Record<string, DevProposal>;
  loadDevSessions(): Promise<ActionError>;
  startDev(input: MethodInput<'dev.start'>): Promise<ActionError>;
  stopDev(session: string): Promise<ActionError>;
  reloadDev(session: string): Promise<ActionError>;
  /** Keys or text for the session's terminal (the sandbox still applies). */
  typeIntoDev(session: string, data: string): Promise<ActionError>;
  answerDev(
    session: string,
    id: string,
    answer: 'allow-once' | 'allow-always' | 'deny',
  ): Promise<ActionError>;
  /** Runs one of the session's extension commands; the result or the host's refusal. */
  runDevCommand(
    session: string,
    command: string,
    args: unknown[],
  ): Promise<ContractResult<MethodOutput<'dev.run'>>>;
  /** Asks the learning run what it proposes now, to be reviewed. */
  reviewDevProposal(session: string): Promise<ActionError>;
  /** The author's yes to the proposal under review: the host writes exactly that one. */
  acceptDevProposal(session: string): Promise<ContractResult<MethodOutput<'dev.writeProposal'>>>;
  /** The author's no: the proposal is put away and nothing is written. */
  rejectDevProposal(session: string): void;
  receiveDevState(session: DevSessionView): void;
  receiveDevOutput(output: { session: string; data: string }): void;
  receiveDevLog(log: { session: string; lines: DevLogLine[] }): void;
  receiveDevQuestion(q: { session: string; question: DevQuestion | null }): void;
}

export const createDevSlice: SliceFactory<DevSlice> = ({ set, get, client }) => ({
  devSessions: {},
  devScreens: {},
  devLogs: {},
  devQuestions: {},
  devProposals: {},

  async loadDevSessions() {
    const result = await client.dev.list({});
    if (!result.ok) return errorOf(result);
    set({ devSessions: Object.fromEntries(result.value.map((s) => [s.id, s])) });
    return null;
  },

  async startDev(input) {
    const result = await client.dev.start(input);
    if (!result.ok) return errorOf(result);
    get().receiveDevState(result.value);
    return null;
  },

  async stopDev(session) {
    return errorOf(await client.dev.stop({ session }));
  },

  async reloadDev(session) {
    return errorOf(await client.dev.reload({ session }));
  },

  async typeIntoDev(session, data) {
    return errorOf(await client.dev.input({ session, data }));
  },

  async answerDev(session, id, answer) {
    return errorOf(await client.dev.answer({ session, id, answer }));
  },

  runDevCommand: (session, command, args) => client.dev.run({ session, command, args }),

  async reviewDevProposal(session) {
    const result = await client.dev.proposal({ session });
    if (!result.ok) return errorOf(result);
    set({ devProposals: { ...get().devProposals, [session]: result.value } });
    return null;
  },

  async acceptDevProposal(session) {
    const proposal = get().devProposals[session];
    if (!proposal)
      return {
        ok: false,
        error: { code: 'not-found', message: 'No proposal is under review; review one first.' },
      };
    // By its id: if the run learned more since it was shown, the host refuses instead of writing
    // something the author did not see.
    const result = await client.dev.writeProposal({ session, id: proposal.id });
    if (result.ok) get().rejectDevProposal(session);
    return result;
  },

  rejectDevProposal(session) {
    set({ devProposals: without(get().devProposals, session) });
  },

  receiveDevState(session) {
    const s = get();
    if (session.state === 'stopped') {
      set({
        devSessions: without(s.devSessions, session.id),
        devScreens: without(s.devScreens, session.id),
        devLogs: without(s.devLogs, session.id),
        devQuestions: without(s.devQuestions, session.id),
        devProposals: without(s.devProposals, session.id),
      });
      return;
    }
    set({ devSessions: { ...s.devSessions, [session.id]: session } });
  },

  receiveDevOutput({ session, data }) {
    const screens = get().devScreens;
    set({
      devScreens: { ...screens, [session]: printOnScreen(screens[session] ?? EMPTY_SCREEN, data) },
    });
  },

  receiveDevLog({ session, lines }) {
    const logs = get().devLogs;
    set({ devLogs: { ...logs, [session]: [...(logs[session] ?? []), ...lines].slice(-LOG_KEEP) } });
  },

  receiveDevQuestion({ session, question }) {
    const questions = get().devQuestions;
    set({
      devQuestions: question ? { ...questions, [session]: question } : without(questions, session),
    });
  },
});
