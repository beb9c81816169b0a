"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="center-page">
      <h1>Something went wrong</h1>
      <p>The server could not show this page. The error was logged{error.digest ? ` (reference ${error.digest})` : ""}.</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </main>
  );
}
