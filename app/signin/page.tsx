import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/return-path";
import { getViewer } from "@/lib/auth/viewer";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Only paths of this site: never an open redirect.
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (await getViewer()) redirect(callbackUrl);
  return (
    <main className="signin">
      <div className="signin-card">
        <h1 className="brand brand-large">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>{" "}
          Session Video
        </h1>
        <p className="muted">Recordings of privileged sessions. Sign in to review them.</p>
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
