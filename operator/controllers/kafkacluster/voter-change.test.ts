import { describe, expect, it } from "vitest";
import { voterChange, voterIds } from "./voter-change.js";

const cm = (voters: string | undefined) => ({ metadata: { name: "x" }, data: { "server.properties": `node.id=0\n${voters === undefined ? "" : `controller.quorum.voters=${voters}\n`}log.dirs=/d\n` } });

describe("voterChange", () => {
  const three = "0@a:9090,1@b:9090,2@c:9090";
  it("none while every live node has the desired voters (or there is no live node yet)", () => {
    expect(voterChange([], three)).toBeUndefined();
    expect(voterChange([cm(three), cm(three)], three)).toBeUndefined();
    expect(voterChange([cm(undefined)], three)).toBeUndefined();
  });

  it("the live voters when a node has others", () => {
    expect(voterChange([cm(three)], `${three},6@d:9090`)).toBe(three);
    expect(voterIds(three)).toBe("0, 1, 2");
  });
});
