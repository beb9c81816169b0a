import { describe, expect, it } from "vitest";
import { chainHead, chainLink, CHAIN_START } from "@/lib/recordings/chain";
import { sha256Hex } from "@/lib/ingest/client";
import { AppError } from "@/lib/errors";
import { parseEventLines } from "@/lib/ingest";

const refused = (text: string) => {
  try {
    parseEventLines(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("the batch was accepted");
};

describe("event batches (JSON lines)", () => {
  it("accepts every event type and skips blank lines", () => {
    const events = parseEventLines(
      [
        '{"type":"key","t":1,"key":"a","modifiers":["ctrl"]}',
        "",
        '{"type":"key","t":2,"key":"x","masked":true}',
        '{"type":"mouse","t":3,"x":10,"y":20}',
        '{"type":"click","t":4,"x":10,"y":20,"button":"left"}',
        '{"type":"clipboard","t":5,"direction":"to-remote","length":120,"preview":"ssh-rsa AAAA"}',
        '{"type":"window","t":6,"title":"Terminal"}',
        '{"type":"command","t":7,"command":"id"}',
        '{"type":"query","t":8,"statement":"select 1","outcome":"error","errorMessage":"boom","rowsAffected":null}',
      ].join("\n"),
    );
    expect(events.map((e) => e.type)).toEqual(["key", "key", "mouse", "click", "clipboard", "window", "command", "query"]);
  });

  it("refuses result data on a query with 422, naming the line and key but not the values", () => {
    const error = refused(
      '{"type":"command","t":1,"command":"ok"}\n{"type":"query","t":2,"statement":"select pan from cards","outcome":"success","rows":[["4111111111111111"]]}',
    );
    expect(error.status).toBe(422);
    expect(error.field).toBe("line 2.rows");
    expect(error.message).not.toContain("4111");
    expect(refused('{"type":"query","t":2,"statement":"s","outcome":"success","columns":["a"]}').field).toBe("line 1.columns");
    expect(refused('{"type":"query","t":2,"statement":"s","outcome":"success","firstRow":"x"}').message).toMatch(/unknown key/);
  });

  it("names the field of an invalid event", () => {
    expect(refused('{"type":"key","t":-5,"key":"a"}').field).toBe("line 1.t");
    expect(refused('{"type":"teleport","t":1}').status).toBe(422);
    expect(refused("{nope").status).toBe(400);
  });
});

describe("hash chain", () => {
  const hashes = ["a", "b", "c"].map((s) => sha256Hex(s));
  it("changes when a chunk is changed, removed or reordered", () => {
    const head = chainHead(hashes);
    expect(head).toBe(chainLink(chainLink(chainLink(CHAIN_START, hashes[0]!), hashes[1]!), hashes[2]!));
    expect(chainHead([hashes[0]!, sha256Hex("B"), hashes[2]!])).not.toBe(head);
    expect(chainHead([hashes[0]!, hashes[2]!])).not.toBe(head);
    expect(chainHead([hashes[1]!, hashes[0]!, hashes[2]!])).not.toBe(head);
  });
});
