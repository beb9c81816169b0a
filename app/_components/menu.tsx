"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * A menu behind a button: the button says whether the menu is open
 * (aria-expanded) and which element it opens (aria-controls); opening it
 * moves the focus to the first item (role="menuitem" children), the arrow
 * keys move between items, Escape closes it and gives the focus back to the
 * button, and a click or the focus going elsewhere closes it.
 */
export function Menu({
  label,
  name,
  className,
  buttonClassName,
  children,
}: {
  /** What the button shows. */
  label: ReactNode;
  /** The button's and the menu's accessible name, when the label alone does not say enough. */
  name?: string;
  className?: string;
  buttonClassName?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const items = () => Array.from(panel.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const away = (e: Event) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    document.addEventListener("focusin", away);
    return () => {
      document.removeEventListener("pointerdown", away);
      document.removeEventListener("focusin", away);
    };
  }, [open]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!open) return;
    if (e.key === "Escape") {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const all = items();
      const at = all.indexOf(document.activeElement as HTMLElement);
      const next = e.key === "ArrowDown" ? (at + 1) % all.length : (at - 1 + all.length) % all.length;
      all[next]?.focus();
    }
  };

  return (
    <div className={`menu ${className ?? ""}`} ref={root} onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={button}
        className={`menu-button ${buttonClassName ?? ""}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={name}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open ? (
        <div className="menu-panel" role="menu" id={id} aria-label={name ?? (typeof label === "string" ? label : undefined)} ref={panel}>
          {children}
        </div>
      ) : null}
    </div>
  );
}
