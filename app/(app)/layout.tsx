import Link from "next/link";
import type { ReactNode } from "react";
import { requireViewer } from "@/lib/auth/viewer";
import { roleLabel } from "@/lib/domain/roles";
import { Menu } from "@/app/_components/menu";
import { SideMenu } from "./side-menu";
import { SignOutButton } from "./sign-out-button";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/sessions" className="brand">
          <span className="brand-mark" aria-hidden>
            ▶
          </span>{" "}
          Session Video
        </Link>
        <nav aria-label="Products" className="topnav">
          <Menu label="Products" buttonClassName="topnav-button">
            <Link href="/sessions" role="menuitem" className="menu-item">
              PAM Core
            </Link>
          </Menu>
        </nav>
        <div className="topbar-user">
          <span title={viewer.email}>{viewer.name}</span>
          <span className="badge">{roleLabel(viewer.role)}</span>
          <SignOutButton />
        </div>
      </header>
      <div className="body">
        <SideMenu isAdmin={viewer.role === "admin"} />
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
