/**
 * Dev/test-only fault injection for the WebGPU engine: in development builds the engine listens on
 * this BroadcastChannel, and a `'destroy-device'` message destroys its GPUDevice — the only way a test
 * on the page can make a device inside a worker get lost. Production builds never listen.
 */
export const FAULT_CHANNEL = 'llmos-webgpu-faults';
export const DESTROY_DEVICE = 'destroy-device';
