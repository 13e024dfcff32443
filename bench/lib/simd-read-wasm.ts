/**
 * A hand-assembled WebAssembly module for the memory-bandwidth probe (no toolchain needed): one function
 *
 *   (func (export "read") (param $p i32) (param $end i32) (result i32))
 *
 * that sums every 16-byte lane of `[p, end)` of the imported memory `env.mem` with `v128.load` +
 * `i32x4.add`, unrolled 8× (128 bytes an iteration, four independent accumulators), and returns the
 * horizontal sum so the loads cannot be optimised away. `end - p` must be a positive multiple of 128.
 * The same bytes in WAT:
 *
 *   (module
 *     (import "env" "mem" (memory 1))
 *     (func (export "read") (param $p i32) (param $end i32) (result i32) (local v128 v128 v128 v128)
 *       (block (br_if 0 (i32.ge_u (local.get $p) (local.get $end)))
 *         (loop
 *           (local.set 2 (i32x4.add (local.get 2) (v128.load offset=0 (local.get $p))))
 *           (local.set 3 (i32x4.add (local.get 3) (v128.load offset=16 (local.get $p))))
 *           … offsets 32, 48, 64, 80, 96, 112 into accumulators 4, 5, 2, 3, 4, 5 …
 *           (br_if 0 (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 128))) (local.get $end)))))
 *       (local.set 2 (i32x4.add (i32x4.add (local.get 2) (local.get 3)) (i32x4.add (local.get 4) (local.get 5))))
 *       (i32.add (i32.add (i32x4.extract_lane 0 (local.get 2)) (i32x4.extract_lane 1 (local.get 2)))
 *                (i32.add (i32x4.extract_lane 2 (local.get 2)) (i32x4.extract_lane 3 (local.get 2))))))
 *
 * The import accepts a shared memory only if it is declared shared, so the worker passes a plain
 * (non-shared) `WebAssembly.Memory` of its own.
 */

/** Bytes consumed by one loop iteration of `read`: callers pass ranges that are multiples of this. */
export const READ_STRIDE = 128;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128 (small values only, enough for constants here). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40));
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, brIf: 0x0d, void: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32GeU: 0x4f, i32LtU: 0x49, i32Add: 0x6a,
  simd: 0xfd,
} as const;
const I32 = 0x7f, V128 = 0x7b;
/** SIMD sub-opcodes (after the 0xfd prefix), LEB-encoded. */
const v128Load = (offset: number) => [OP.simd, ...uleb(0x00), 4 /* align 2^4 */, ...uleb(offset)];
const i32x4Add = [OP.simd, ...uleb(0xae)];
const extractLane = (lane: number) => [OP.simd, ...uleb(0x1b), lane];

function readBody(): number[] {
  const P = 0, END = 1, ACC = [2, 3, 4, 5];
  const code: number[] = [
    OP.block, OP.void,
    OP.localGet, P, OP.localGet, END, OP.i32GeU, OP.brIf, 0,
    OP.loop, OP.void,
  ];
  for (let k = 0; k < READ_STRIDE / 16; k++) {
    const acc = ACC[k % ACC.length]!;
    code.push(OP.localGet, acc, OP.localGet, P, ...v128Load(k * 16), ...i32x4Add, OP.localSet, acc);
  }
  code.push(
    OP.localGet, P, OP.i32Const, ...sleb(READ_STRIDE), OP.i32Add, OP.localTee, P,
    OP.localGet, END, OP.i32LtU, OP.brIf, 0,
    OP.end, // loop
    OP.end, // block
    OP.localGet, ACC[0]!, OP.localGet, ACC[1]!, ...i32x4Add,
    OP.localGet, ACC[2]!, OP.localGet, ACC[3]!, ...i32x4Add, ...i32x4Add, OP.localSet, ACC[0]!,
    OP.localGet, ACC[0]!, ...extractLane(0), OP.localGet, ACC[0]!, ...extractLane(1), OP.i32Add,
    OP.localGet, ACC[0]!, ...extractLane(2), OP.localGet, ACC[0]!, ...extractLane(3), OP.i32Add, OP.i32Add,
    OP.end, // function
  );
  const locals = vec([[ACC.length, V128]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** The module's bytes (≈ 200 B). Validate with `WebAssembly.validate` (needs wasm SIMD: Chromium ≥ 91). */
export function simdReadModuleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), ...vec([[I32]])]])), // type 0: (i32, i32) -> i32
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(1)]])), // import memory, min 1 page
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(7, vec([[...name('read'), 0x00, 0]])), // export func 0 as "read"
    ...section(10, vec([readBody()])),
  ];
  return new Uint8Array(bytes);
}
