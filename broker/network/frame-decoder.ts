// Splits a TCP byte stream into Kafka frames (int32 size prefix + body) without copying a frame
// that arrives inside a single chunk. A frame spread over several chunks is copied into a buffer
// from the pool (see buffer-pool.ts): the caller releases it when the request is done with it.
import { type BufferPool, ioBuffers } from "../buffer-pool.js";

export class FrameTooLargeError extends Error {
  override name = "FrameTooLargeError";
  constructor(
    readonly size: number,
    readonly max: number,
  ) {
    super(`frame of ${size} bytes is larger than socket.request.max.bytes ${max}`);
  }
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly pool: BufferPool = ioBuffers,
  ) {}

  /** Adds bytes and returns every complete frame body now available, in order. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const size = this.peekSize();
      // Kafka rejects negative sizes and sizes over socket.request.max.bytes by closing the socket.
      if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      if (this.buffered < 4 + size) break;
      this.consume(4);
      frames.push(this.consume(size));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private consume(n: number): Buffer {
    // An empty body may sit exactly at the end of the buffered bytes, where there is no chunk.
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = this.pool.acquire(n);
      let copied = 0;
      while (copied < n) {
        const head = this.chunks[0]!;
        const take = Math.min(head.length, n - copied);
        head.copy(out, copied, 0, take);
        copied += take;
        if (take === head.length) this.chunks.shift();
        else this.chunks[0] = head.subarray(take);
      }
    }
    this.buffered -= n;
    return out;
  }
}
