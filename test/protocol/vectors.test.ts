import { describe, expect, test } from "bun:test";
import { decodeFrame, encodeFrame, FrameDecoder, RemotingCommandError } from "../../src/index.ts";
import { negativeVectors, plain, positiveVectors, toHex } from "../helpers/vectors.ts";

function decodeInChunks(frame: Uint8Array, cuts: number[]) {
  const decoder = new FrameDecoder();
  const out = [];
  let from = 0;
  for (const cut of [...cuts, frame.length]) {
    out.push(...decoder.push(frame.subarray(from, cut)));
    from = cut;
  }
  return { out, decoder };
}

describe("Java-produced vectors", () => {
  test("the fixture holds every group", () => {
    expect(positiveVectors.filter((v) => v.group === "frames").length).toBe(16);
    expect(positiveVectors.filter((v) => v.group === "live").length).toBe(5);
    expect(positiveVectors.filter((v) => v.group === "captures").length).toBe(2);
    expect(negativeVectors.length).toBe(7);
  });

  for (const v of positiveVectors) {
    describe(`${v.group} ${v.id}`, () => {
      test("encodes byte for byte", () => {
        expect(toHex(encodeFrame(v.command))).toBe(toHex(v.frame));
      });

      test("decodes to the Java command, body as a view", () => {
        const cmd = decodeFrame(v.frame);
        expect(plain(cmd)).toEqual(plain(v.decoded));
        if (cmd.body !== null) expect(cmd.body.buffer).toBe(v.frame.buffer);
      });

      test("decodes fed byte by byte", () => {
        const cuts = Array.from({ length: v.frame.length - 1 }, (_, i) => i + 1);
        const { out, decoder } = decodeInChunks(v.frame, cuts);
        expect(out.map(plain)).toEqual([plain(v.decoded)]);
        expect(decoder.bufferedBytes).toBe(0);
      });

      test("yields nothing at every truncation point, then completes", () => {
        for (let cut = 0; cut < v.frame.length; cut++) {
          const decoder = new FrameDecoder();
          expect(decoder.push(v.frame.subarray(0, cut))).toEqual([]);
          expect(decoder.bufferedBytes).toBe(cut);
          expect(() => decodeFrame(v.frame.subarray(0, cut))).toThrow(RemotingCommandError);
          const rest = decoder.push(v.frame.subarray(cut));
          expect(rest.map(plain)).toEqual([plain(v.decoded)]);
        }
      });

      test("re-encoding the decoded command decodes to the same command", () => {
        const again = decodeFrame(encodeFrame(decodeFrame(v.frame)));
        expect(plain(again)).toEqual(plain(v.decoded));
      });
    });
  }
});

describe("hostile vectors", () => {
  for (const v of negativeVectors) {
    test(`${v.id} is rejected with a RemotingCommandError: ${v.description}`, () => {
      expect(() => decodeFrame(v.frame)).toThrow(RemotingCommandError);
      expect(() => new FrameDecoder().push(v.frame)).toThrow(RemotingCommandError);
    });

    test(`${v.id} is rejected when fed byte by byte, and the decoder stays failed`, () => {
      const decoder = new FrameDecoder();
      let error: unknown;
      for (let i = 0; i < v.frame.length && error === undefined; i++) {
        try {
          decoder.push(v.frame.subarray(i, i + 1));
        } catch (e) {
          error = e;
        }
      }
      expect(error).toBeInstanceOf(RemotingCommandError);
      expect((error as RemotingCommandError).code).toBe("ERR_REMOTING_COMMAND");
      expect(() => decoder.push(new Uint8Array([0, 0, 0, 0]))).toThrow(error as Error);
    });
  }

  test("N3: the oversized length is refused from its 4 prefix bytes, before any payload is buffered", () => {
    const n3 = negativeVectors.find((v) => v.id === "N3")!;
    const decoder = new FrameDecoder();
    expect(() => decoder.push(n3.frame.subarray(0, 4))).toThrow(/exceeds 16777216/);
    expect(decoder.bufferedBytes).toBe(0);
  });

  test("N5: an HTTP request is reported the way Netty reports it, and named", () => {
    const n5 = negativeVectors.find((v) => v.id === "N5")!;
    expect(() => decodeFrame(n5.frame)).toThrow("Adjusted frame length exceeds 16777216: 1195725860 (an HTTP client");
  });

  test("messages say what was wrong", () => {
    const byId = (id: string) => negativeVectors.find((v) => v.id === id)!.frame;
    expect(() => decodeFrame(byId("N1"))).toThrow("unknown serialize type 2");
    expect(() => decodeFrame(byId("N2"))).toThrow("bad header length: 127");
    expect(() => decodeFrame(byId("N4"))).toThrow("negative frame length");
    expect(() => decodeFrame(byId("N6"))).toThrow("remark length 255");
    expect(() => decodeFrame(byId("N7"))).toThrow("not valid JSON");
  });
});
