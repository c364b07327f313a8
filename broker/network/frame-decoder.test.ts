import { describe, expect, it } from "vitest";
import { FrameDecoder, FrameTooLargeError } from "./frame-decoder.js";

function frame(body: number[]): Buffer {
  const b = Buffer.alloc(4 + body.length);
  b.writeInt32BE(body.length, 0);
  Buffer.from(body).copy(b, 4);
  return b;
}

describe("FrameDecoder", () => {
  it("splits frames that arrive together, split and byte by byte", () => {
    const stream = Buffer.concat([frame([1, 2, 3]), frame([]), frame([4])]);
    const whole = new FrameDecoder(100).push(stream).map((f) => [...f]);
    expect(whole).toEqual([[1, 2, 3], [], [4]]);
    const decoder = new FrameDecoder(100);
    const bytewise: number[][] = [];
    for (const byte of stream) bytewise.push(...decoder.push(Buffer.from([byte])).map((f) => [...f]));
    expect(bytewise).toEqual(whole);
  });

  it("refuses a size above the limit or below zero before buffering it", () => {
    expect(() => new FrameDecoder(10).push(frame(new Array(11).fill(0)).subarray(0, 4))).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(FrameTooLargeError);
  });
});
