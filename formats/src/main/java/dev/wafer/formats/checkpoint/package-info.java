/**
 * Wafer's own checkpoint file: the {@link dev.wafer.ports.checkpoint.CheckpointStore} adapter.
 *
 * <p>Layout (all integers little-endian), version 1:
 * <pre>
 *   0  8 bytes  magic "WAFERCKP"
 *   8  u32      format version
 *  12  u32      CRC32C of the header JSON
 *  16  u64      header length H in bytes
 *  24  H bytes  header JSON (UTF-8): the five header sections and the tensor index
 *               (name, dtype "F32", shape, offset from the data start, byte length)
 *      zero padding to a multiple of 64 = data start
 *      tensor data, row-major float32, each tensor starting at a multiple of 64
 *      footer: u32 CRC32C per tensor (index order), u32 CRC32C of every byte before this field,
 *              8 bytes end marker "WAFEREND"
 * </pre>
 * The header comes first so a reader knows every shape before touching data; checksums go last because they are
 * only known after the data has streamed past, and writing them last keeps the writer single-pass.
 */
package dev.wafer.formats.checkpoint;
