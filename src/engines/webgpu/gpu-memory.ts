/**
 * Every GPUBuffer the engine creates goes through here, so the engine can report exactly how many
 * bytes it holds on the GPU (the VRAM accounting the kernel's budget is checked against) and free
 * them all at once.
 */

const align4 = (n: number) => Math.max(4, Math.ceil(n / 4) * 4);

export class GpuMemory {
  private readonly buffers = new Set<GPUBuffer>();
  /** Bytes currently allocated in GPUBuffers. */
  bytes = 0;

  constructor(readonly device: GPUDevice) {}

  create(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const aligned = align4(size);
    const buffer = this.device.createBuffer({ label, size: aligned, usage });
    this.buffers.add(buffer);
    this.bytes += aligned;
    return buffer;
  }

  /** A storage buffer filled with `data` (zero-padded to a multiple of 4 bytes). */
  upload(label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE): GPUBuffer {
    const buffer = this.create(label, data.byteLength, usage | GPUBufferUsage.COPY_DST);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.byteLength % 4 === 0) {
      this.device.queue.writeBuffer(buffer, 0, bytes);
    } else {
      const padded = new Uint8Array(align4(bytes.byteLength));
      padded.set(bytes);
      this.device.queue.writeBuffer(buffer, 0, padded);
    }
    return buffer;
  }

  /** A 16-byte uniform buffer of four 32-bit fields (u32 unless given as `{ f: number }`). */
  uniform(label: string, fields: (number | { f: number })[]): GPUBuffer {
    const data = new ArrayBuffer(16);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    fields.forEach((v, i) => {
      if (typeof v === 'number') u[i] = v;
      else f[i] = v.f;
    });
    return this.upload(label, u, GPUBufferUsage.UNIFORM);
  }

  destroyAll(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.clear();
    this.bytes = 0;
  }
}
