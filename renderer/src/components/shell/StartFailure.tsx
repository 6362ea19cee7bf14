// The one message shown instead of the app when this window cannot work with its host.
export function StartFailure({ message }: { message: string }) {
  return (
    <main className="start-failure">
      <div className="panel">
        <h1>Corral cannot open this window</h1>
        <p role="alert">{message}</p>
      </div>
    </main>
  );
}
