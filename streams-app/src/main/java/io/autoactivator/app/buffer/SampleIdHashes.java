package io.autoactivator.app.buffer;

/**
 * The ids of a task's accepted samples as 64-bit hashes in an open-addressing table: 8-16 bytes per sample on the
 * heap instead of a set of strings (~100 bytes each), so de-duplicating a task of 10^6 samples costs ~16 MB. A
 * hash says "maybe seen" only; {@link AcceptedSamples} confirms a hit against the exact ids.
 */
final class SampleIdHashes {

  private static final long EMPTY = 0;

  private long[] table = new long[64];
  private int size;

  /** The hash this set keeps for {@code id} (UTF-8 bytes): FNV-1a, then a 64-bit finaliser; never 0. */
  static long hash(byte[] id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY ? 1 : h;
  }

  boolean mightContain(long hash) {
    int mask = table.length - 1;
    for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
      long at = table[i];
      if (at == hash) {
        return true;
      }
      if (at == EMPTY) {
        return false;
      }
    }
  }

  void add(long hash) {
    if ((size + 1) * 2 > table.length) {
      grow();
    }
    if (insert(table, hash)) {
      size++;
    }
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] next = new long[table.length * 2];
    for (long h : table) {
      if (h != EMPTY) {
        insert(next, h);
      }
    }
    table = next;
  }

  private static boolean insert(long[] into, long hash) {
    int mask = into.length - 1;
    for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
      if (into[i] == hash) {
        return false;
      }
      if (into[i] == EMPTY) {
        into[i] = hash;
        return true;
      }
    }
  }
}
