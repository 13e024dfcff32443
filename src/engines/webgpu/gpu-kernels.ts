/**
 * Compiles the engine's compute pipelines with explicit bind-group layouts (so `matvec` and `matmul`
 * of one weight type share bind groups, and bindings a kernel does not read are still declared), in
 * one of two kernel families: `tiled` (workgroup memory and barriers: GPUs) or `flat` (no barriers:
 * software adapters like SwiftShader, where a barrier costs a context switch per lane group).
 */
import { ATTENTION_FLAT_WGSL, ATTENTION_WGSL } from './kernels/attention.wgsl';
import { COPY_WGSL, SWIGLU_WGSL, embedShader } from './kernels/elementwise.wgsl';
import { matmulShader } from './kernels/matmul.wgsl';
import { RMSNORM_WGSL } from './kernels/norm.wgsl';
import { ROPE_WGSL } from './kernels/rope.wgsl';
import { hasScales } from './kernels/weights.wgsl';

/** Binding kinds: `u` uniform, `r` read-only storage, `w` read-write storage. */
type Kind = 'u' | 'r' | 'w';
type Spec = [binding: number, kind: Kind][];

const MATMUL: Spec = [[0, 'u'], [1, 'r'], [3, 'r'], [4, 'w'], [5, 'u']];
const EMBED: Spec = [[0, 'u'], [1, 'r'], [3, 'r'], [4, 'w'], [5, 'u']];
const RMSNORM: Spec = [[0, 'u'], [1, 'r'], [2, 'r'], [3, 'w'], [5, 'u'], [6, 'r']];
const ROPE: Spec = [[0, 'u'], [1, 'w'], [2, 'r'], [3, 'r'], [4, 'w'], [5, 'u'], [6, 'w'], [7, 'r'], [8, 'r']];
const ATTENTION: Spec = [[0, 'u'], [1, 'r'], [2, 'r'], [3, 'r'], [4, 'w'], [5, 'u'], [6, 'r']];
const SWIGLU: Spec = [[0, 'u'], [1, 'w'], [2, 'r'], [5, 'u']];
const COPY: Spec = [[0, 'u'], [1, 'w']];

export interface Kernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export interface MatmulKernels { matvec: Kernel; matmul: Kernel }

/** Which kernel family a model runs with. */
export type KernelVariant = 'tiled' | 'flat';

/** `flat` on software adapters (SwiftShader, fallback adapters), `tiled` on real GPUs. */
export function defaultVariant(adapter: { architecture: string; fallback?: boolean }): KernelVariant {
  return adapter.fallback || /swiftshader|llvmpipe|lavapipe|warp/i.test(adapter.architecture) ? 'flat' : 'tiled';
}

export class Kernels {
  rmsnorm!: Kernel;
  rope!: Kernel;
  attention!: Kernel;
  swiglu!: Kernel;
  copy!: Kernel;
  private readonly matmuls = new Map<number, MatmulKernels>();
  private readonly embeds = new Map<number, Kernel>();

  private constructor(private readonly device: GPUDevice, readonly variant: KernelVariant) {}

  /** Compile every pipeline the model needs (`types`: the ggml types of its weight matrices). */
  static async compile(device: GPUDevice, matrixTypes: Set<number>, embedType: number, variant: KernelVariant): Promise<Kernels> {
    const k = new Kernels(device, variant);
    const flat = variant === 'flat';
    const jobs: Promise<unknown>[] = [
      k.build(RMSNORM_WGSL, flat ? 'flat' : 'main', RMSNORM).then((x) => { k.rmsnorm = x; }),
      k.build(ROPE_WGSL, 'main', ROPE).then((x) => { k.rope = x; }),
      k.build(flat ? ATTENTION_FLAT_WGSL : ATTENTION_WGSL, 'main', ATTENTION).then((x) => { k.attention = x; }),
      k.build(SWIGLU_WGSL, 'main', SWIGLU).then((x) => { k.swiglu = x; }),
      k.build(COPY_WGSL, 'main', COPY).then((x) => { k.copy = x; }),
      k.build(embedShader(embedType), 'main', withScales(EMBED, embedType)).then((x) => { k.embeds.set(embedType, x); }),
    ];
    for (const type of matrixTypes) {
      const code = matmulShader(type);
      const spec = withScales(MATMUL, type);
      const layout = k.layoutFor(spec);
      const [mv, mm] = flat ? ['matvec_flat', 'matmul_flat'] : ['matvec', 'matmul'];
      jobs.push(Promise.all([k.build(code, mv, spec, layout), k.build(code, mm, spec, layout)])
        .then(([matvec, matmul]) => { k.matmuls.set(type, { matvec, matmul }); }));
    }
    await Promise.all(jobs);
    return k;
  }

  matmul(type: number): MatmulKernels {
    const m = this.matmuls.get(type);
    if (!m) throw new Error(`no matmul kernel for ggml type ${type}`);
    return m;
  }

  embed(type: number): Kernel {
    const e = this.embeds.get(type);
    if (!e) throw new Error(`no embedding kernel for ggml type ${type}`);
    return e;
  }

  private layoutFor(spec: Spec): GPUBindGroupLayout {
    return this.device.createBindGroupLayout({
      entries: spec.map(([binding, kind]) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: kind === 'u' ? 'uniform' : kind === 'r' ? 'read-only-storage' : 'storage' },
      })),
    });
  }

  private async build(code: string, entryPoint: string, spec: Spec, layout = this.layoutFor(spec)): Promise<Kernel> {
    const module = this.device.createShaderModule({ code, label: entryPoint });
    const pipeline = await this.device.createComputePipelineAsync({
      label: entryPoint,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint },
    });
    return { pipeline, layout };
  }
}

function withScales(spec: Spec, type: number): Spec {
  return hasScales(type) ? [...spec, [2, 'r']] : spec;
}
