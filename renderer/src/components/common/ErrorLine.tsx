// The host's one-line answer when an action failed, shown where the user acted.
export function ErrorLine({ error, id }: { error: string | null; id?: string }) {
  if (!error) return null;
  return (
    <p className="error-line" role="alert" id={id}>
      {error}
    </p>
  );
}
