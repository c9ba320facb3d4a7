/** Memory per device of the GPU kinds the cluster schema names, in bytes (nominal GiB). */
const GIB = 1024 ** 3;

export const GPU_MEMORY: Readonly<Record<string, number>> = {
  a100_40gb: 40 * GIB,
  a100_80gb: 80 * GIB,
  h100_80gb: 80 * GIB,
  h200_141gb: 141 * GIB,
  l40s_48gb: 48 * GIB,
  b200_192gb: 192 * GIB,
};

export function gpuCapacity(gpu: string | undefined, declared: number | null | undefined): number | null {
  if (typeof declared === "number" && declared > 0) return declared;
  if (gpu === undefined || gpu === "cpu") return null;
  return GPU_MEMORY[gpu] ?? null;
}

export function formatGiB(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}
