"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

type Item = { href: string; label: string };
type Group = { title: string; sub?: string; items: Item[] };

export function SideMenu({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const groups: Group[] = [
    {
      title: "Audit",
      sub: "Sessions",
      items: [
        { href: "/sessions", label: "Remote sessions" },
        { href: "/sessions/live", label: "Live sessions" },
        { href: "/sessions/occurrences", label: "Sessions with occurrences detected" },
        { href: "/sessions/commands", label: "Command search" },
      ],
    },
  ];
  if (isAdmin) {
    groups.push({
      title: "Settings",
      sub: "System parameters",
      items: [
        { href: "/settings/parameters", label: "Remote session" },
        { href: "/settings/rules", label: "Audited commands" },
        { href: "/settings/cluster", label: "Cluster" },
      ],
    });
    groups.push({
      title: "Administration",
      items: [
        { href: "/settings/users", label: "Users" },
        { href: "/settings/access-requests", label: "Access requests" },
        { href: "/settings/audit", label: "Audit trail" },
        { href: "/settings/outbox", label: "Email outbox" },
        { href: "/settings/tokens", label: "API tokens" },
      ],
    });
  }
  // The deepest matching link is the active one (/sessions/occurrences is not also "Remote sessions").
  const matches = (href: string) => pathname === href || pathname.startsWith(`${href}/`);
  const activeHref = groups
    .flatMap((g) => g.items.map((i) => i.href))
    .filter(matches)
    .sort((a, b) => b.length - a.length)[0];
  return (
    <nav className="sidemenu" aria-label="Side menu">
      {groups.map((g) => (
        <div key={g.title} className="sidemenu-group">
          <div className="sidemenu-title">{g.title}</div>
          {g.sub ? <div className="sidemenu-sub">{g.sub}</div> : null}
          <ul>
            {g.items.map((item) => {
              const active = item.href === activeHref;
              return (
                <li key={item.href}>
                  <Link href={item.href} className={active ? "active" : undefined} aria-current={active ? "page" : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
