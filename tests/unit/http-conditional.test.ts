import { describe, expect, it } from "vitest";
import { noneMatchSatisfied, parseEntityTags, strongMatch, weakMatch } from "@/lib/http/conditional";

describe("entity tags (RFC 9110 §8.8.3, §13.1)", () => {
  it("parses lists, weak tags and *", () => {
    expect(parseEntityTags('"a"')).toEqual(['"a"']);
    expect(parseEntityTags(' W/"a" , "b",W/"c" ')).toEqual(['W/"a"', '"b"', 'W/"c"']);
    expect(parseEntityTags("*")).toEqual(["*"]);
    expect(parseEntityTags("a")).toBeNull();
    expect(parseEntityTags('"a" "b"')).toBeNull();
    expect(parseEntityTags('"a",')).toEqual(['"a"']); // empty list elements are ignored (§5.6.1)
    expect(parseEntityTags("")).toBeNull();
  });

  it("compares weakly for If-None-Match and strongly for If-Range", () => {
    expect(weakMatch('W/"x"', '"x"')).toBe(true);
    expect(strongMatch('W/"x"', '"x"')).toBe(false);
    expect(strongMatch('"x"', '"x"')).toBe(true);
    expect(noneMatchSatisfied('W/"v1"', '"v1"')).toBe(true);
    expect(noneMatchSatisfied('"v0", "v1"', '"v1"')).toBe(true);
    expect(noneMatchSatisfied("*", '"v1"')).toBe(true);
    expect(noneMatchSatisfied('"v0"', '"v1"')).toBe(false);
    expect(noneMatchSatisfied("garbage", '"v1"')).toBe(false);
    expect(noneMatchSatisfied(null, '"v1"')).toBe(false);
  });
});
