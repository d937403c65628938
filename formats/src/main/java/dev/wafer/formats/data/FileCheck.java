package dev.wafer.formats.data;

/**
 * What the manifest records of a dataset file to detect damage: its size and a checksum of its bytes (CRC-32C of
 * the whole file for {@code documents.jsonl} and the audit index; for a shard, the CRC-32 of its payload that its
 * header also holds).
 *
 * @param bytes file size
 * @param crc   checksum, unsigned 32 bits
 */
record FileCheck(long bytes, long crc) {
    /** The checksum as the manifest writes it: 8 lowercase hex digits. */
    String crcHex() {
        return String.format(java.util.Locale.ROOT, "%08x", crc);
    }
}
