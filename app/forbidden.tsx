import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="center-page">
      <h1>403 · Not allowed</h1>
      <p>Your role does not give access to this page. Ask an administrator if you need it.</p>
      <Link href="/sessions" className="button">
        Back to Remote sessions
      </Link>
    </main>
  );
}
