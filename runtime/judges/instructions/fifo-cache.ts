/**
 * A bounded map that forgets its oldest entry when full. Insertion order, not recency: a hit
 * costs one lookup, and an evicted hot entry is simply compiled again.
 */
export class FifoCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}
