import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TimeZoneCookie } from "./_components/time-zone-cookie";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Session Video", template: "%s · Session Video" },
  description: "Recordings of privileged sessions for auditors.",
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "any" },
      { url: "/favicon.svg", type: "image/svg+xml" },
    ],
  },
  // Never in a search engine (robots.txt and the X-Robots-Tag header say so too).
  robots: { index: false, follow: false },
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
