import Link from "next/link";

export default function NotFound() {
  return (
    <main className="center-page">
      <h1>404 · Not found</h1>
      <p>There is nothing here, or you do not have access to it.</p>
      <Link href="/sessions" className="button">
        Back to Remote sessions
      </Link>
    </main>
  );
}
