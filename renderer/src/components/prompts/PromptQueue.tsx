// The questions waiting for the user, one at a time, oldest first, above whatever view is open.
import { useCorral } from '../../store/store-context.tsx';
import { PromptDialog } from './PromptDialog.tsx';

export function PromptQueue() {
  const first = useCorral((s) => s.prompts[0]);
  const total = useCorral((s) => s.prompts.length);
  const closure = useCorral((s) => (first ? (s.promptClosures[first.id] ?? null) : null));
  if (!first) return null;
  return <PromptDialog key={first.id} prompt={first} closure={closure} total={total} />;
}
