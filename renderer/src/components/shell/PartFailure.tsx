// A part of the window that failed while it was drawn, said in a sentence with a way on. Without
// it, React takes the whole window down on an error no boundary catches: a blank page, with the
// questions of running extensions gone with it. Each view and each overlay is a part of its own,
// so the side bar and the questions stay when a view fails.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ExtensionText } from '../common/ExtensionText.tsx';

interface PartFailureProps {
  /** What the user knows the part as ("The Access log"). */
  part: string;
  /** Over the window (the questions, the sheets) rather than in the view's place. */
  overlay?: boolean;
  children: ReactNode;
}

interface PartFailureState {
  error: Error | null;
}

/** Draws `children`, or, once they threw while drawn, what failed and how to go on. */
export class PartFailure extends Component<PartFailureProps, PartFailureState> {
  override state: PartFailureState = { error: null };

  static getDerivedStateFromError(error: unknown): PartFailureState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`corral: ${this.props.part} failed: ${error.stack ?? error.message}`, info);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const { part, overlay = false } = this.props;
    return (
      <section
        className={`panel part-failure${overlay ? ' part-failure-overlay' : ''}`}
        role="alert"
      >
        <h2>{part} stopped working</h2>
        {/* The message may quote what an extension sent: shown as text, its hidden characters marked. */}
        <p>
          <ExtensionText text={error.message || error.name} />
        </p>
        <p className="muted">
          The rest of Corral goes on: extensions keep running in their sandboxes and every access is
          still logged.
        </p>
        <div className="sheet-buttons">
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => window.location.reload()}
          >
            Reload the window
          </button>
        </div>
      </section>
    );
  }
}
