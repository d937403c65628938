package dev.wafer.formats.hf;

/**
 * A tensor of a PyTorch checkpoint as its pickle describes it: a view of {@code size} elements with {@code stride}
 * into a storage, starting {@code offset} elements in. Several tensors may share a storage (a tied head).
 *
 * @param storage the storage's record in the zip ({@code data/<key>}), its element type and length
 * @param offset  first element, in elements
 * @param size    dimensions
 * @param stride  elements between neighbours along each dimension
 */
record TorchTensorRef(Storage storage, long offset, long[] size, long[] stride) {
    /** A storage: {@code data/<key>} in the archive, {@code elements} long. */
    record Storage(TorchStorageType type, String key, long elements) {
    }

    /** Product of the dimensions. */
    long elementCount() {
        long n = 1;
        for (long d : size) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Whether the elements lie row-major and back to back, so that one copy reads them. */
    boolean isContiguous() {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    /** One past the last storage element the view touches (its offset when it is empty). */
    long extent() {
        long last = offset;
        for (int i = 0; i < size.length; i++) {
            if (size[i] == 0) {
                return offset;
            }
            last += (size[i] - 1) * stride[i];
        }
        return last + 1;
    }
}
