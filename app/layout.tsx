import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TimeZoneCookie } from "./_components/time-zone-cookie";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Session Video", template: "%s · Session Video" },
  description: "Recordings of privileged sessions for auditors.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TimeZoneCookie />
        {children}
      </body>
    </html>
  );
}
